"""Wrong: kfold_indices accepts shuffle and seed but never permutes (the folds stay consecutive in the data's order)."""

import numpy as np

from reference_impls.numpy.cross_validation import cross_val_score, grid_search  # noqa: F401 - right

EXPECTED_HINT = "shuffle=True is ignored"


def kfold_indices(n, k, shuffle=False, seed=0):
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:  # the mistake: no permutation when shuffle=True
        test = np.arange(start, start + size)
        folds.append((np.setdiff1d(np.arange(n), test), test))
        start += size
    return folds
