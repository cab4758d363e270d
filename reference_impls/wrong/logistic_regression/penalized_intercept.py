"""Wrong: the objective penalizes the intercept too."""

import numpy as np

from reference_impls.numpy import logistic_regression as _ref
from reference_impls.numpy.logistic_regression import fit_logistic, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "the intercept is not penalized"


def objective(X, y, W, b, C=1.0, l1_ratio=0.0):
    lam = 1.0 / (C * len(y))
    b = np.asarray(b)
    return _ref.objective(X, y, W, b, C, l1_ratio) + lam * (
        l1_ratio * np.abs(b).sum() + (1 - l1_ratio) / 2 * (b * b).sum()
    )
