"""Wrong: each class's test count rounded (round(test_fraction * n_c)) where the task truncates with int()."""

import numpy as np

from reference_impls.numpy.sklearn_benchmark import benchmark, standardize  # noqa: F401 - right

EXPECTED_HINT = "truncated, not rounded"


def stratified_split(y, test_fraction=0.25, seed=0):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        k = round(test_fraction * len(rows))  # the mistake: int(test_fraction * len(rows))
        test.append(rows[:k])
        train.append(rows[k:])
    return np.sort(np.concatenate(train)).astype(np.int64), np.sort(np.concatenate(test)).astype(np.int64)
