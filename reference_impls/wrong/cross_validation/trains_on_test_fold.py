"""Wrong: cross_val_score fits on ALL the data, test fold included, then scores on the test fold: the
scores are optimistic (the model has seen what it is tested on)."""

import numpy as np

from reference_impls.numpy.cross_validation import kfold_indices

EXPECTED_HINT = "fit on the training folds only"


def cross_val_score(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    folds = kfold_indices(len(X), k, shuffle, seed)
    return np.array([score(fit(X, y, **params), X[te], y[te]) for _, te in folds])  # the mistake: X[tr], y[tr]


def grid_search(fit, score, X, y, grid, k=5):
    import itertools

    names = list(grid)
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    means = [float(cross_val_score(fit, score, X, y, k, **params).mean()) for params in combos]
    best = int(np.argmax(means))
    return combos[best], means[best], means
