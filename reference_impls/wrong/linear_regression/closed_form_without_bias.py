"""Wrong: solves the normal equations on X alone, so the fit is forced through the origin (b = 0)."""

import numpy as np

from reference_impls.numpy.linear_regression import fit_gradient_descent, mse_gradients  # noqa: F401 - right

EXPECTED_HINT = "the bias is missing"


def fit_closed_form(X, y):
    w = np.linalg.inv(X.T @ X) @ X.T @ y  # the mistake: no column of ones for the bias
    return w, 0.0
