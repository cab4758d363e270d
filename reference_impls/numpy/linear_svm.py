"""A linear support vector machine trained by subgradient descent on the primal hinge loss,
binary or one-vs-rest, in NumPy.

    theta = [w, b], x_aug = [x, 1]      (the bias is a weight on a constant feature, and is
                                         regularized, as in sklearn's LinearSVC / liblinear)
    J(theta) = (1/2) ||theta||^2 + C * sum_i max(0, 1 - y_i theta . x_aug_i),   y_i in {-1, +1}
    subgradient: g = theta - C * sum_{i: y_i theta . x_aug_i < 1} y_i x_aug_i
    theta <- theta - g / (t + 1)
J is 1-strongly convex, for which the step 1 / (mu t) gives O(log t / t) convergence (the
Pegasos analysis, Shalev-Shwartz et al. 2007). Subgradient steps do not decrease J
monotonically, so the best iterate seen is kept.
One-vs-rest for K >= 3 classes: K binary problems (class k against the rest); predict the
argmax of the K decision values (LinearSVC's multi_class='ovr').

Source: the soft-margin SVM (Cortes & Vapnik 1995); sklearn.svm.LinearSVC(loss='hinge') minimises
the same J, so objectives agree to ~1% after 1000 epochs, predictions on nearly every point.
Limits: linear kernel only; slow O(1/t) convergence: standardize X first.
"""

import numpy as np


def _augment(X):
    return np.hstack([X, np.ones((X.shape[0], 1), X.dtype)])  # (N, D + 1)


def hinge_objective(X, y, w, b, C=1.0):
    return 0.5 * (w @ w + b * b) + C * np.maximum(0, 1 - y * (X @ w + b)).sum()


def fit_binary_svm(X, y, C=1.0, epochs=1000):
    """y in {-1, +1}. Returns (w (D,), b)."""
    A = _augment(X)
    theta = np.zeros(A.shape[1])
    best = (np.inf, theta)
    for t in range(epochs):
        active = y * (A @ theta) < 1  # (N,) margin violators
        g = theta - C * (y[active, None] * A[active]).sum(axis=0)
        theta = theta - g / (t + 1)
        J = 0.5 * theta @ theta + C * np.maximum(0, 1 - y * (A @ theta)).sum()
        if J < best[0]:
            best = (J, theta)
    return best[1][:-1], float(best[1][-1])


def fit_linear_svm(X, y, C=1.0, epochs=1000):
    """Classes 0..K-1. Returns (W (D, K'), b (K',)), K' = 1 for two classes, else K (one-vs-rest)."""
    k = int(y.max()) + 1
    classes = [1] if k == 2 else range(k)
    fits = [fit_binary_svm(X, np.where(y == c, 1.0, -1.0), C, epochs) for c in classes]
    return np.stack([w for w, _ in fits], axis=1), np.array([b for _, b in fits])


def decision_function(X, W, b):
    return X @ W + b  # (N, K')


def predict(X, W, b):
    s = decision_function(X, W, b)
    return (s[:, 0] > 0).astype(np.int64) if s.shape[1] == 1 else np.argmax(s, axis=1)
