"""Wrong: a constant step of 0.01 and the last iterate: it oscillates far from the optimum."""

import numpy as np

from reference_impls.numpy.linear_svm import fit_linear_svm, hinge_objective, predict  # noqa: F401 - right

EXPECTED_HINT = "fit_binary_svm ends far from the optimum"
ALSO_APPLIES = ("the iterates are not the prescribed ones",)


def fit_binary_svm(X, y, C=1.0, epochs=1000):
    A = np.hstack([X, np.ones((len(X), 1))])
    theta = np.zeros(A.shape[1])
    for _ in range(epochs):
        active = y * (A @ theta) < 1
        theta = theta - 0.01 * (theta - C * (y[active, None] * A[active]).sum(axis=0))
    return theta[:-1], float(theta[-1])
