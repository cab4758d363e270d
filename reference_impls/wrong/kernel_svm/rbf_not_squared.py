"""Wrong: the RBF kernel of the plain (not squared) distance, exp(-gamma ||x - z||)."""

import numpy as np

from reference_impls.numpy.kernel_svm import *  # the rest is right
from reference_impls.numpy.kernel_svm import kernel_matrix as _right

EXPECTED_HINT = "rbf uses the SQUARED distance"


def kernel_matrix(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=1.0):
    if kernel != "rbf":
        return _right(X, Z, kernel, gamma, degree, coef0)
    return np.exp(-gamma * np.linalg.norm(X[:, None, :] - Z[None, :, :], axis=-1))
