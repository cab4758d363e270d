"""Correct, in the style of Andrew Ng's machine-learning course (ex2: costFunctionReg, a theta vector
whose first entry is the intercept, X with a leading column of ones, grad = X^T (h - y) / m plus the
penalty on theta[1:] only), grown to the task's contract: sklearn's elastic-net objective divided by
C N, softmax for K >= 3, and FISTA with the proximal (soft-thresholding) step for the L1 part.
What the task leaves open differs from the reference: the intercept lives in row 0 of one theta
matrix, the stable loss is written with log1p(exp(-|z|)), the momentum restarts on O'Donoghue and
Candes' gradient test, and the loop stops when theta moves less than 1e-12."""

import numpy as np


def _with_ones(X):
    return np.hstack([np.ones((X.shape[0], 1)), X])


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))  # log(1 + e^z) without overflow


def _log_softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    return Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))


def _cost(Xa, y, theta, lam, r):
    """J for theta = [b; W] ((D + 1,) binary or (D + 1, K))."""
    Z = Xa @ theta
    if theta.ndim == 1:
        data = np.mean(_softplus(Z) - y * Z)  # -y log h - (1 - y) log(1 - h)
    else:
        data = -np.mean(_log_softmax(Z)[np.arange(len(y)), y])
    w = theta[1:]
    return data + lam * (r * np.sum(np.abs(w)) + (1 - r) / 2 * np.sum(w**2))


def objective(X, y, W, b, C=1.0, l1_ratio=0.0):
    theta = np.concatenate([np.atleast_1d(b)[None, :], W]) if W.ndim == 2 else np.concatenate([[b], W])
    return float(_cost(_with_ones(X), y, theta, 1.0 / (C * len(y)), l1_ratio))


def predict_proba(X, W, b):
    Z = X @ W + b
    if W.ndim == 1:
        h = 1 / (1 + np.exp(-Z))
        return np.column_stack([1 - h, h])
    return np.exp(_log_softmax(Z))


def _grad(Xa, y, theta, lam, r):
    m = len(y)
    Z = Xa @ theta
    if theta.ndim == 1:
        H = 1 / (1 + np.exp(-Z))
        T = y.astype(float)
    else:
        H = np.exp(_log_softmax(Z))
        T = np.eye(theta.shape[1])[y]
    grad = Xa.T @ (H - T) / m
    grad[1:] += lam * (1 - r) * theta[1:]  # theta[0], the intercept, is not regularized
    return grad


def fit_logistic(X, y, C=1.0, l1_ratio=0.0, max_iter=10000, tol=1e-13):
    m, n = X.shape
    K = int(y.max()) + 1
    Xa = _with_ones(X)
    lam = 1.0 / (C * m)
    c = 0.25 if K == 2 else 0.5
    alpha = 1.0 / (c * np.linalg.norm(Xa, 2) ** 2 / m + lam * (1 - l1_ratio))
    theta = np.zeros(n + 1) if K == 2 else np.zeros((n + 1, K))
    momentum_point, t = theta.copy(), 1.0
    for _ in range(max_iter):
        new = momentum_point - alpha * _grad(Xa, y, momentum_point, lam, l1_ratio)
        shrink = alpha * lam * l1_ratio
        new[1:] = np.sign(new[1:]) * np.maximum(np.abs(new[1:]) - shrink, 0)
        if np.sum((momentum_point - new) * (new - theta)) > 0:  # gradient restart: momentum points uphill
            t = 1.0
        t_next = (1 + np.sqrt(1 + 4 * t**2)) / 2
        momentum_point = new + (t - 1) / t_next * (new - theta)
        moved = np.max(np.abs(new - theta))
        theta, t = new, t_next
        if moved < 1e-12:
            break
    return theta[1:], theta[0]
