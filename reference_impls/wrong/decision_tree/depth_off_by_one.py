"""Wrong: stops only when depth > max_depth, so the tree grows one level deeper than max_depth allows."""

import numpy as np

from reference_impls.numpy.decision_tree import best_split, impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "max_depth counts the splits from the root at depth 0"


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    k = k or int(y.max()) + 1
    counts = np.bincount(y, minlength=k)
    leaf = {"proba": counts / counts.sum()}
    if (max_depth is not None and depth > max_depth) or len(y) < min_samples_split or counts.max() == len(y):
        return leaf  # the mistake: depth > max_depth, not >=
    split = best_split(X, y, k, criterion)
    if split is None:
        return leaf
    f, t, _ = split
    left = X[:, f] <= t
    return {
        "feature": f,
        "threshold": t,
        "left": build_tree(X[left], y[left], k, criterion, max_depth, min_samples_split, depth + 1),
        "right": build_tree(X[~left], y[~left], k, criterion, max_depth, min_samples_split, depth + 1),
    }
