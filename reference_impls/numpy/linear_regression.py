"""Linear regression by gradient descent on the mean squared error, and the closed form, in NumPy.

    model:  y_hat = X @ w + b                                  X: (N, D), w: (D,), b: scalar
    loss:   L = (1 / N) * sum (y_hat - y)^2
    grads:  dL/dw = (2 / N) X.T @ (y_hat - y),   dL/db = (2 / N) sum(y_hat - y)
    closed form (normal equations on [X, 1]): theta = argmin ||A theta - y||^2 = lstsq(A, y)
The loss is a convex quadratic, so with a step size below 1 / lambda_max((2/N) A.T A) gradient
descent converges to the closed-form solution (sklearn.linear_model.LinearRegression).
batch_size=None is batch GD; an integer gives mini-batch SGD (batch_size=1: stochastic).

Source: Hastie, Tibshirani & Friedman, ESL 3.2. Limits: no regularization; standardize features
first or pick lr accordingly (the default lr is 1 / L, computed from the data).
"""

import numpy as np


def fit_closed_form(X, y):
    A = np.hstack([X, np.ones((X.shape[0], 1))])  # (N, D + 1): the bias as a constant feature
    theta, *_ = np.linalg.lstsq(A, y, rcond=None)  # stabler than inv(A.T A) A.T y
    return theta[:-1], theta[-1]


def mse_gradients(X, y, w, b):
    r = X @ w + b - y  # (N,) residuals
    return 2 * X.T @ r / len(y), 2 * r.mean()


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    """Returns (w, b, losses): one loss per epoch, on the full data."""
    n, d = X.shape
    if lr is None:  # 1 / L, L = largest eigenvalue of the Hessian (2 / N) A.T A
        A = np.hstack([X, np.ones((n, 1))])
        lr = 1.0 / (2 * np.linalg.eigvalsh(A.T @ A / n)[-1])
    w, b = np.zeros(d), 0.0
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        batches = [np.arange(n)] if batch_size is None else np.array_split(rng.permutation(n), max(n // batch_size, 1))
        for idx in batches:
            dw, db = mse_gradients(X[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
        losses.append(float(np.mean((X @ w + b - y) ** 2)))
    return w, b, losses
