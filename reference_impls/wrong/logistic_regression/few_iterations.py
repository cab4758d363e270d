"""Wrong: stops after 5 iterations, far from the optimum."""

from reference_impls.numpy import logistic_regression as _ref
from reference_impls.numpy.logistic_regression import objective, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "fit_logistic is not at the optimum"
ALSO_APPLIES = ("the first steps are not the prescribed ones",)


def fit_logistic(X, y, C=1.0, l1_ratio=0.0, max_iter=10000, tol=1e-13):
    return _ref.fit_logistic(X, y, C, l1_ratio, max_iter=5, tol=tol)
