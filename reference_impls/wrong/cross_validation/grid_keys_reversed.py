"""Wrong: nested loops over the grid with the LAST key outermost, so the mean scores come in another order."""

import numpy as np

from reference_impls.numpy.cross_validation import cross_val_score, kfold_indices  # noqa: F401 - right

EXPECTED_HINT = "the combinations are in itertools.product order"


def grid_search(fit, score, X, y, grid, k=5):
    import itertools

    names = list(grid)[::-1]  # the mistake: the keys reversed
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    means = [float(cross_val_score(fit, score, X, y, k, **params).mean()) for params in combos]
    best = int(np.argmax(means))
    return combos[best], means[best], means
