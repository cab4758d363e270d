"""Wrong: entropy with the natural log (nats) instead of log2 (bits, sklearn's criterion='entropy')."""

import numpy as np

from reference_impls.numpy.decision_tree import best_split, build_tree, predict  # noqa: F401 - right

EXPECTED_HINT = "entropy in bits"


def impurity(counts, criterion="gini"):
    p = counts / np.maximum(counts.sum(axis=-1, keepdims=True), 1)
    if criterion == "gini":
        return 1 - (p * p).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.where(p > 0, p * np.log(p), 0).sum(axis=-1)  # the mistake: np.log2
