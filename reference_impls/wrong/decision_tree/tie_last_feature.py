"""Wrong: compares gains with >=, so on a tie the LAST split wins (the task: the first feature)."""

import numpy as np

from reference_impls.numpy.decision_tree import build_tree, impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "on a tie between features the FIRST one wins"


def best_split(X, y, k, criterion="gini"):
    n = len(y)
    parent = impurity(np.bincount(y, minlength=k)[None], criterion)[0]
    best = None
    for f in range(X.shape[1]):
        values = np.unique(X[:, f])
        for t in (values[:-1] + values[1:]) / 2:
            left = X[:, f] <= t
            nl = left.sum()
            child = nl * impurity(np.bincount(y[left], minlength=k)[None], criterion)[0]
            child += (n - nl) * impurity(np.bincount(y[~left], minlength=k)[None], criterion)[0]
            gain = parent - child / n
            if gain > 1e-12 and (best is None or gain >= best[2]):
                best = (f, t, float(gain))  # the mistake: >= lets a later split take a tie
    return best
