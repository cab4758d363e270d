"""Wrong: the leaves keep the raw class counts as 'proba' (predict's argmax is the same, the tree's probabilities are not)."""

import numpy as np

from reference_impls.numpy.decision_tree import best_split, impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "a leaf's proba holds the class frequencies"


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    k = k or int(y.max()) + 1
    counts = np.bincount(y, minlength=k)
    leaf = {"proba": counts}
    if (max_depth is not None and depth >= max_depth) or len(y) < min_samples_split or counts.max() == len(y):
        return leaf
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
