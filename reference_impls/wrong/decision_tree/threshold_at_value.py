"""Wrong: the threshold is the left value itself, not the midpoint (same partition of X, other predictions)."""

from reference_impls.numpy import decision_tree as _ref
from reference_impls.numpy.decision_tree import impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "thresholds sit halfway"
ALSO_APPLIES = ("part of the output is right",)


def best_split(X, y, k, criterion="gini"):
    found = _ref.best_split(X, y, k, criterion)
    if found is None:
        return None
    f, t, gain = found
    return f, float(X[:, f][X[:, f] <= t].max()), gain


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    k = k or int(y.max()) + 1
    import numpy as np

    counts = np.bincount(y, minlength=k)
    leaf = {"proba": counts / counts.sum()}
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
