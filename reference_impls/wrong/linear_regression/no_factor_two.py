"""Wrong: drops the 2 of d/dw (r^2) = 2 r; gradient descent still converges, but slower."""

import numpy as np

from reference_impls.numpy.linear_regression import fit_closed_form  # noqa: F401 - right

EXPECTED_HINT = "the factor 2 is missing"
ALSO_APPLIES = ("part of the output is right",)


def mse_gradients(X, y, w, b):
    r = X @ w + b - y
    return X.T @ r / len(y), r.mean()


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    w, b, losses = np.zeros(X.shape[1]), 0.0, []
    lr = lr or 0.1
    for _ in range(epochs):
        dw, db = mse_gradients(X, y, w, b)
        w, b = w - lr * dw, b - lr * db
        losses.append(float(np.mean((X @ w + b - y) ** 2)))
    return w, b, losses
