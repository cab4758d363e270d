"""Wrong: grid_search keeps the setting with the LOWEST mean score (as if scores were losses); score is
higher-is-better (R^2, accuracy), as sklearn's."""

import itertools

import numpy as np

from reference_impls.numpy.cross_validation import cross_val_score, kfold_indices  # noqa: F401 - right

EXPECTED_HINT = "the highest mean score"


def grid_search(fit, score, X, y, grid, k=5):
    names = list(grid)
    combos = [dict(zip(names, values)) for values in itertools.product(*(grid[n] for n in names))]
    means = [float(cross_val_score(fit, score, X, y, k, **params).mean()) for params in combos]
    best = int(np.argmin(means))  # the mistake: np.argmax
    return combos[best], means[best], means
