"""Logistic regression with L1 / L2 / elastic-net penalties, by proximal gradient descent
(FISTA with restarts), binary (sigmoid) or multinomial (softmax), in NumPy.

Objective, scikit-learn's (LogisticRegression, C, l1_ratio), divided by C * N:
    J(W, b) = mean_i loss_i + lam * (l1_ratio * |W|_1 + (1 - l1_ratio) / 2 * |W|_2^2),  lam = 1 / (C N)
    loss_i  = -log p(y_i | x_i);  binary: p = sigmoid(x w + b);  K >= 3: softmax(x W + b)
The intercept b is not penalized. Smooth part gradient: X.T @ (P - Y) / N (+ lam (1 - r) W);
the L1 part is handled by its proximal operator, soft-thresholding:
    W <- sign(V) * max(|V| - step * lam * l1_ratio, 0)
which sets coefficients exactly to 0 (sparsity), unlike a subgradient step.

Source: Beck & Teboulle 2009 (FISTA); O'Donoghue & Candes 2015 (adaptive restart); sklearn's
user guide, "Logistic regression" (the objective). Limits: dense X; a fixed step 1 / L from a
bound on the Hessian (standardize features); classes must be 0..K-1.
"""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.log_softmax import log_softmax


def _probs_and_targets(X, y, W, b, k):
    z = X @ W + b  # (N,) binary or (N, K)
    if k == 2:
        return sigmoid(z), y.astype(X.dtype)
    return np.exp(log_softmax(z, axis=1)), np.eye(k, dtype=X.dtype)[y]


def objective(X, y, W, b, C=1.0, l1_ratio=0.0):
    k = int(y.max()) + 1 if W.ndim == 2 else 2
    z = X @ W + b
    if k == 2:
        nll = np.mean(np.logaddexp(0, z) - y * z)
    else:
        nll = -np.mean(log_softmax(z, axis=1)[np.arange(len(y)), y])
    lam = 1.0 / (C * len(y))
    return nll + lam * (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * (W * W).sum())


def fit_logistic(X, y, C=1.0, l1_ratio=0.0, max_iter=10000, tol=1e-13):
    """Returns (W, b): W (D,) and b scalar for 2 classes, W (D, K) and b (K,) for K >= 3."""
    n, d = X.shape
    k = int(y.max()) + 1
    shape_w, shape_b = ((d,), ()) if k == 2 else ((d, k), (k,))
    lam = 1.0 / (C * n)
    curvature = 0.25 if k == 2 else 0.5  # sigmoid' <= 1/4; softmax Hessian <= 1/2
    L = curvature * np.linalg.norm(np.hstack([X, np.ones((n, 1))]), 2) ** 2 / n + lam * (1 - l1_ratio)
    step = 1.0 / L
    W, b = np.zeros(shape_w), np.zeros(shape_b)
    VW, Vb, t = W, b, 1.0  # FISTA's extrapolated point
    prev = np.inf
    for _ in range(max_iter):
        P, Y = _probs_and_targets(X, y, VW, Vb, k)
        gW = X.T @ (P - Y) / n + lam * (1 - l1_ratio) * VW
        gb = (P - Y).sum(axis=0) / n
        Wn = VW - step * gW
        Wn = np.sign(Wn) * np.maximum(np.abs(Wn) - step * lam * l1_ratio, 0)  # prox of the L1 term
        bn = Vb - step * gb
        J = objective(X, y, Wn, bn, C, l1_ratio)
        if J > prev:  # adaptive restart: momentum overshot, drop it
            t, VW, Vb = 1.0, W, b
            continue
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        VW = Wn + (t - 1) / t_next * (Wn - W)
        Vb = bn + (t - 1) / t_next * (bn - b)
        W, b, t = Wn, bn, t_next
        if prev - J < tol * max(abs(J), 1):
            break
        prev = J
    return W, b


def predict_proba(X, W, b):
    z = X @ W + b
    if W.ndim == 1:
        p = sigmoid(z)
        return np.stack([1 - p, p], axis=1)  # (N, 2), like sklearn
    return np.exp(log_softmax(z, axis=1))  # (N, K)


def predict(X, W, b):
    return np.argmax(predict_proba(X, W, b), axis=1)
