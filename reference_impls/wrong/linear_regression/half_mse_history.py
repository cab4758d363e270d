"""Wrong: keeps Andrew Ng's J = 1 / (2m) sum(err^2) in the loss history instead of the MSE."""

import numpy as np

from reference_impls.numpy.linear_regression import fit_closed_form, mse_gradients  # noqa: F401 - right

EXPECTED_HINT = "not the half-MSE"
ALSO_APPLIES = ("part of the output is right",)


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    m, d = X.shape
    if lr is None:
        A = np.hstack([X, np.ones((m, 1))])
        lr = 1.0 / (2 * np.linalg.eigvalsh(A.T @ A / m)[-1])
    w, b, J_history = np.zeros(d), 0.0, []
    for _ in range(epochs):
        dw, db = mse_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        J_history.append(float(np.sum((X @ w + b - y) ** 2) / (2 * m)))  # the mistake: half the MSE
    return w, b, J_history
