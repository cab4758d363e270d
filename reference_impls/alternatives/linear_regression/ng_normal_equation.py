"""Correct, in the style of Andrew Ng's machine-learning course (ex1: featureNormalize aside, X with a
leading column of ones, theta = pinv(X' X) X' y for normalEqn, and a gradientDescent loop that keeps a
J_history). Adapted to the task's contract: the loss and its history are the MSE (Ng's computeCost is
half of it, 1 / (2 m)), so the gradient carries (2 / m), the intercept comes first in theta and is
returned as b, and lr=None takes 1 / L with L = 2 sigma_max(A)^2 / m (the same as the largest
eigenvalue of (2 / m) A^T A)."""

import numpy as np


def _design(X):
    return np.column_stack([np.ones(len(X)), X])  # intercept first, as in ex1


def fit_closed_form(X, y):
    A = _design(X)
    theta = np.linalg.pinv(A.T @ A) @ A.T @ y
    return theta[1:], theta[0]


def mse_gradients(X, y, w, b):
    m = len(y)
    theta = np.concatenate([[b], w])
    grad = (2 / m) * _design(X).T @ (_design(X) @ theta - y)
    return grad[1:], grad[0]


def _cost(A, y, theta):
    err = A @ theta - y
    return float(err @ err / len(y))


def fit_gradient_descent(X, y, lr=None, epochs=1000, batch_size=None, seed=0):
    m = len(y)
    A = _design(X)
    alpha = lr if lr is not None else m / (2 * np.linalg.norm(A, 2) ** 2)
    theta = np.zeros(A.shape[1])
    J_history = []
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = np.arange(m) if batch_size is None else rng.permutation(m)
        step = m if batch_size is None else batch_size
        for start in range(0, m, step):
            rows = order[start : start + step]
            theta = theta - alpha * (2 / len(rows)) * A[rows].T @ (A[rows] @ theta - y[rows])
        J_history.append(_cost(A, y, theta))
    return theta[1:], theta[0], J_history
