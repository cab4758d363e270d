"""Wrong: the impurity decrease averages the two children's impurities, (I_left + I_right) / 2, instead of
weighting each by its share of the samples, so a split that peels off one pure point looks great."""

import numpy as np

from reference_impls.numpy.decision_tree import impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "weighted by the share of samples"


def best_split(X, y, k, criterion="gini"):
    parent = impurity(np.bincount(y, minlength=k)[None], criterion)[0]
    best = None
    for f in range(X.shape[1]):
        order = np.argsort(X[:, f], kind="stable")
        xs, left = X[order, f], np.cumsum(np.eye(k)[y[order]], axis=0)
        valid = np.nonzero(xs[:-1] < xs[1:])[0]
        if not len(valid):
            continue
        lc = left[valid]
        rc = left[-1] - lc
        gain = parent - (impurity(lc, criterion) + impurity(rc, criterion)) / 2  # the mistake: weights n_l/n, n_r/n
        i = int(np.argmax(gain))
        if gain[i] > 1e-12 and (best is None or gain[i] > best[2]):
            best = (f, (xs[valid[i]] + xs[valid[i] + 1]) / 2, float(gain[i]))
    return best


def build_tree(X, y, k=None, criterion="gini", max_depth=None, min_samples_split=2, depth=0):
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
