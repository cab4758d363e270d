"""A CART decision-tree classifier with gini or entropy splits, in NumPy.

At each node, over every feature and every threshold halfway between consecutive distinct
sorted values, pick the split that maximises the impurity decrease
    I(node) - (n_left / n) I(left) - (n_right / n) I(right)
    gini: I = 1 - sum_k p_k^2          entropy: I = -sum_k p_k log2 p_k
and recurse until the node is pure, max_depth is reached, fewer than min_samples_split samples
remain, or no split decreases the impurity. A leaf predicts its class frequencies.
Prefix sums of one-hot labels over the sorted feature give every split's class counts at once:
O(D N log N) per node.

Source: Breiman et al. 1984; sklearn.tree.DecisionTreeClassifier (same thresholds; on ties
between equally good splits sklearn picks among features at random, so trees may differ while
accuracies stay close). Limits: numeric features, no pruning, no sample weights, classes 0..K-1.
"""

import numpy as np


def impurity(counts, criterion="gini"):
    """counts: (..., K) class counts -> (...,) impurity."""
    n = counts.sum(axis=-1, keepdims=True)
    p = counts / np.maximum(n, 1)
    if criterion == "gini":
        return 1 - (p * p).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log2(p), 0).sum(axis=-1)


def best_split(X, y, k, criterion="gini"):
    """(feature, threshold, impurity decrease) of the best split, or None if nothing helps."""
    n = len(y)
    parent = impurity(np.bincount(y, minlength=k)[None], criterion)[0]
    best = None
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        xs, left = X[order, f], np.cumsum(np.eye(k)[y[order]], axis=0)  # (N,), (N, K): counts of x[:i+1]
        valid = np.nonzero(xs[:-1] < xs[1:])[0]  # split between i and i+1 only where values differ
        if not len(valid):
            continue
        lc = left[valid]  # (S, K)
        rc = left[-1] - lc
        nl = (valid + 1).astype(float)
        gain = parent - (nl * impurity(lc, criterion) + (n - nl) * impurity(rc, criterion)) / n
        i = int(np.argmax(gain))
        if gain[i] > 1e-12 and (best is None or gain[i] > best[2]):
            best = (f, (xs[valid[i]] + xs[valid[i] + 1]) / 2, float(gain[i]))
    return best


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
    """A nested dict: leaves {'proba': (K,)}; nodes {'feature', 'threshold', 'left', 'right'}."""
    k = k or int(y.max()) + 1
    counts = np.bincount(y, minlength=k)
    leaf = {"proba": counts / counts.sum()}
    if (max_depth is not None and depth >= max_depth) or len(y) < min_samples_split or counts.max() == len(y):
        return leaf
    split = best_split(X, y, k, criterion)
    if split is None:
        return leaf
    f, t, _ = split
    go_left = X[:, f] <= t
    return {
        "feature": f,
        "threshold": t,
        "left": build_tree(X[go_left], y[go_left], k, criterion, max_depth, min_samples_split, depth + 1),
        "right": build_tree(X[~go_left], y[~go_left], k, criterion, max_depth, min_samples_split, depth + 1),
    }


def predict_proba(tree, X):
    out = []
    for x in X:
        node = tree
        while "proba" not in node:
            node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
        out.append(node["proba"])
    return np.array(out)


def predict(tree, X):
    return np.argmax(predict_proba(tree, X), axis=1)
