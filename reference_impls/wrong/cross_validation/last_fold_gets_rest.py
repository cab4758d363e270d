"""Wrong: folds of n // k, the last one taking the remainder."""

import numpy as np

from reference_impls.numpy.cross_validation import grid_search  # noqa: F401 - right (but it uses the reference's folds)

EXPECTED_HINT = "uneven folds"


def kfold_indices(n, k, shuffle=False, seed=0):
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    size = n // k
    folds = []
    for i in range(k):
        test = order[i * size : n if i == k - 1 else (i + 1) * size]
        folds.append(
            (np.setdiff1d(order, test, assume_unique=True) if shuffle else np.setdiff1d(np.arange(n), test), test)
        )
    return folds


def cross_val_score(fit, score, X, y, k=5, shuffle=False, seed=0, **params):
    return np.array(
        [score(fit(X[tr], y[tr], **params), X[te], y[te]) for tr, te in kfold_indices(len(X), k, shuffle, seed)]
    )
