"""Wrong: b averaged over every support vector, the bounded ones (alpha = C, inside the margin) too."""

import numpy as np

from reference_impls.numpy import kernel_svm as _right
from reference_impls.numpy.kernel_svm import *  # the rest is right

EXPECTED_HINT = "alpha is optimal but b is not"
ALSO_APPLIES = ("after a few SMO iterations differ",)


def fit_svm(K, y, C=1.0, tol=1e-3, max_iter=100_000):
    alpha, _ = _right.fit_svm(K, y, C, tol, max_iter)
    sv = alpha > 0
    return alpha, float(np.mean(y[sv] - K[sv] @ (alpha * y)))
