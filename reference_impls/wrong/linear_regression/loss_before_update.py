"""Wrong: records each epoch's loss before its update, so losses[0] is the loss at w = 0, b = 0."""

import numpy as np

from reference_impls.numpy.linear_regression import fit_closed_form, mse_gradients  # noqa: F401 - right

EXPECTED_HINT = "losses[e] is the MSE AFTER epoch e's update"
ALSO_APPLIES = ("part of the output is right",)


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    n, d = X.shape
    if lr is None:
        A = np.hstack([X, np.ones((n, 1))])
        lr = 1.0 / (2 * np.linalg.eigvalsh(A.T @ A / n)[-1])
    w, b, losses = np.zeros(d), 0.0, []
    for _ in range(epochs):
        losses.append(float(np.mean((X @ w + b - y) ** 2)))  # the mistake: before the step
        dw, db = mse_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
    return w, b, losses
