"""Wrong: the binary prediction as np.sign of the decision value (-1 / +1), while the classes are 0 and 1."""

import numpy as np

from reference_impls.numpy.linear_svm import fit_binary_svm, fit_linear_svm, hinge_objective  # noqa: F401 - right

EXPECTED_HINT = "predict returns class labels 0 / 1 for a single column"


def predict(X, W, b):
    s = X @ W + b
    if s.shape[1] == 1:
        return np.sign(s[:, 0]).astype(np.int64)  # the mistake: -1 / +1, not 0 / 1
    return np.argmax(s, axis=1)
