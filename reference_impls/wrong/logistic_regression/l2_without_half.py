"""Wrong: the L2 penalty as lam * |W|^2, without sklearn's 1/2 (the objective reports twice the ridge term)."""

from reference_impls.numpy import logistic_regression as _ref
from reference_impls.numpy.logistic_regression import fit_logistic, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "keep the 1/2"


def objective(X, y, W, b, C=1.0, l1_ratio=0.0):
    lam = 1.0 / (C * len(y))
    smooth_and_l1 = _ref.objective(X, y, W, b, C, l1_ratio) - lam * (1 - l1_ratio) / 2 * (W * W).sum()
    return smooth_and_l1 + lam * (1 - l1_ratio) * (W * W).sum()  # the mistake: no 1/2
