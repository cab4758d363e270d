"""Wrong: a small ridge term in the normal equations, which is not the minimum-norm fit and flattens the peak."""

import numpy as np

from reference_impls.numpy.generalization_theory import (  # noqa: F401
    binned_mi,
    finite_class_bound,
    information_plane,
    pac_bayes_bound,
    param_count,
    relu_features,
)

EXPECTED_HINT = "a ridge term (or the normal equations) is not the minimum-norm solution"


def min_norm_fit(Phi, y):
    return np.linalg.solve(Phi.T @ Phi + 1e-3 * np.eye(Phi.shape[1]), Phi.T @ y)  # the mistake: ridge, lambda 1e-3


def double_descent(X_train, y_train, X_test, y_test, W, widths):
    errors = []
    for p in widths:
        beta = min_norm_fit(relu_features(X_train, W, p), y_train)
        errors.append(np.mean((relu_features(X_test, W, p) @ beta - y_test) ** 2))
    return np.array(errors)
