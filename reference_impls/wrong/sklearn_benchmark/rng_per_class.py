"""Wrong: a fresh np.random.default_rng(seed) for every class, instead of one rng drawn from in turn."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import benchmark, standardize  # noqa: F401 - right

EXPECTED_HINT = "one rng for the whole split"


def stratified_split(y, test_fraction=0.25, seed=0):
    train, test = [], []
    for c in np.unique(y):
        rows = np.random.default_rng(seed).permutation(np.flatnonzero(y == c))  # the mistake: a new rng per class
        k = int(test_fraction * len(rows))
        test.append(rows[:k])
        train.append(rows[k:])
    return np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(test)).astype(np.int64)
