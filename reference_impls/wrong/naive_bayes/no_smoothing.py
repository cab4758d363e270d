"""Wrong: no variance smoothing, so a constant feature has variance 0 (division by zero later)."""

import numpy as np

from reference_impls.numpy.naive_bayes import predict, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "var_smoothing missing"


def fit_gaussian_nb(X, y, var_smoothing=1e-9):
    k = int(y.max()) + 1
    priors = np.bincount(y, minlength=k) / len(y)
    means = np.stack([X[y == c].mean(axis=0) for c in range(k)])
    return priors, means, np.stack([X[y == c].var(axis=0) for c in range(k)])
