"""Wrong: equal priors 1 / K for every class instead of the class frequencies."""

import numpy as np

from reference_impls.numpy.naive_bayes import predict, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "the priors are the class frequencies"
ALSO_APPLIES = ("part of the output is right",)


def fit_gaussian_nb(X, y, var_smoothing=1e-9):
    k = int(y.max()) + 1
    eps = var_smoothing * X.var(axis=0).max()
    priors = np.full(k, 1.0 / k)  # the mistake: np.bincount(y, minlength=k) / len(y)
    means = np.stack([X[y == c].mean(axis=0) for c in range(k)])
    return priors, means, np.stack([X[y == c].var(axis=0) for c in range(k)]) + eps
