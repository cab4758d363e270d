"""Wrong: the default step 1 / L takes L from X.T X alone, forgetting the bias's column of ones in A = [X, 1]."""

import numpy as np

from reference_impls.numpy import linear_regression as _ref
from reference_impls.numpy.linear_regression import fit_closed_form, mse_gradients  # noqa: F401 - right

EXPECTED_HINT = "the column of ones included"
ALSO_APPLIES = ("part of the output is right",)


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    if lr is None:
        lr = 1.0 / (2 * np.linalg.eigvalsh(X.T @ X / len(y))[-1])  # the mistake: L of X, not of [X, 1]
    return _ref.fit_gradient_descent(X, y, lr, epochs, batch_size, seed)
