"""Wrong: the per-class variances with ddof=1 (the unbiased estimate), where GaussianNB uses the MLE (ddof=0)."""

import numpy as np

from reference_impls.numpy.naive_bayes import predict, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "GaussianNB uses the MLE variance"


def fit_gaussian_nb(X, y, var_smoothing=1e-9):
    k = int(y.max()) + 1
    eps = var_smoothing * X.var(axis=0).max()
    priors = np.bincount(y, minlength=k) / len(y)
    means = np.stack([X[y == c].mean(axis=0) for c in range(k)])
    variances = np.stack([X[y == c].var(axis=0, ddof=1) for c in range(k)]) + eps  # the mistake: ddof=0
    return priors, means, variances
