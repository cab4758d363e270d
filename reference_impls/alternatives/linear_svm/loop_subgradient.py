"""Correct, in the explicit-loop style of course notebooks (cs229's and many blog posts' SVM from
scratch): w and b kept apart, the subgradient accumulated sample by sample in a Python loop over the
margin violators, np.sign-free labels, the best (w, b) tracked by hand. Follows the task's contract:
LinearSVC's objective with b regularized like a weight, the full-batch step 1 / (t + 1) from 0, the
best iterate after each step, one-vs-rest (one problem for 2 classes)."""

import numpy as np


def hinge_objective(X, y, w, b, C=1.0):
    total = 0.0
    for xi, yi in zip(X, y):
        total += max(0.0, 1.0 - yi * (np.dot(w, xi) + b))
    return 0.5 * (np.dot(w, w) + b**2) + C * total


def fit_binary_svm(X, y, C=1.0, epochs=1000):
    n_samples, n_features = X.shape
    w, b = np.zeros(n_features), 0.0
    best_J, best_w, best_b = np.inf, w, b
    for epoch in range(epochs):
        dw, db = w.copy(), b  # the regularizer's gradient
        for i in range(n_samples):
            if y[i] * (np.dot(X[i], w) + b) < 1:
                dw -= C * y[i] * X[i]
                db -= C * y[i]
        lr = 1.0 / (epoch + 1)
        w, b = w - lr * dw, b - lr * db
        J = hinge_objective(X, y, w, b, C)
        if J < best_J:
            best_J, best_w, best_b = J, w.copy(), b
    return best_w, best_b


def fit_linear_svm(X, y, C=1.0, epochs=1000):
    n_classes = len(np.unique(y))
    targets = [1] if n_classes == 2 else list(range(n_classes))
    W = np.zeros((X.shape[1], len(targets)))
    b = np.zeros(len(targets))
    for j, cls in enumerate(targets):
        W[:, j], b[j] = fit_binary_svm(X, np.where(y == cls, 1, -1), C, epochs)
    return W, b


def predict(X, W, b):
    scores = X.dot(W) + b
    if scores.shape[1] == 1:
        return np.where(scores[:, 0] > 0, 1, 0)
    return scores.argmax(axis=1)
