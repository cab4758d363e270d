"""Wrong: shuffles with the legacy global RNG (np.random.seed(seed); np.random.permutation(n)), whose stream
differs from np.random.default_rng(seed)'s."""

import numpy as np

from reference_impls.numpy.cross_validation import cross_val_score, grid_search  # noqa: F401 - right

EXPECTED_HINT = "the permutation comes from the legacy np.random"


def kfold_indices(n, k, shuffle=False, seed=0):
    if shuffle:
        np.random.seed(seed)
        order = np.random.permutation(n)  # the mistake: np.random.default_rng(seed).permutation(n)
    else:
        order = np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    folds, start = [], 0
    for size in sizes:
        folds.append((np.concatenate([order[:start], order[start + size :]]), order[start : start + size]))
        start += size
    return folds
