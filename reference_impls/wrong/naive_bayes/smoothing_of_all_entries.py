"""Wrong: the smoothing epsilon from the variance of all of X's entries (X.var()), not the largest feature's."""

import numpy as np

from reference_impls.numpy.naive_bayes import predict, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "var_smoothing scales the LARGEST per-feature variance"


def fit_gaussian_nb(X, y, var_smoothing=1e-9):
    k = int(y.max()) + 1
    eps = var_smoothing * X.var()  # the mistake: X.var(axis=0).max()
    priors = np.bincount(y, minlength=k) / len(y)
    means = np.stack([X[y == c].mean(axis=0) for c in range(k)])
    return priors, means, np.stack([X[y == c].var(axis=0) for c in range(k)]) + eps
