"""Wrong: leaves count classes with np.bincount(y) and no minlength, and k is not passed down: a leaf
without the highest classes gets a shorter proba."""

import numpy as np

from reference_impls.numpy.decision_tree import best_split, impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "a leaf's proba is K long"


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    counts = np.bincount(y)  # the mistake: minlength=k missing
    leaf = {"proba": counts / counts.sum()}
    if (max_depth is not None and depth >= max_depth) or len(y) < min_samples_split or counts.max() == len(y):
        return leaf
    split = best_split(X, y, int(y.max()) + 1 if k is None else k, criterion)
    if split is None:
        return leaf
    f, t, _ = split
    left = X[:, f] <= t
    return {
        "feature": f,
        "threshold": t,
        "left": build_tree(X[left], y[left], None, criterion, max_depth, min_samples_split, depth + 1),
        "right": build_tree(X[~left], y[~left], None, criterion, max_depth, min_samples_split, depth + 1),
    }
