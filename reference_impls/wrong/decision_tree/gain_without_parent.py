"""Wrong: reports the children's weighted impurity as the gain, forgetting to subtract it from the parent's."""

import numpy as np

from reference_impls.numpy import decision_tree as _ref
from reference_impls.numpy.decision_tree import build_tree, impurity, predict  # noqa: F401 - right

EXPECTED_HINT = "the gain is the impurity DECREASE"
ALSO_APPLIES = ("part of the output is right",)


def best_split(X, y, k, criterion="gini"):
    found = _ref.best_split(X, y, k, criterion)
    if found is None:
        return None
    parent = impurity(np.bincount(y, minlength=k)[None], criterion)[0]
    return found[0], found[1], float(parent - found[2])  # the mistake: the children's impurity, not the decrease
