"""Wrong: for 2 classes predict_proba returns p = P(y = 1) alone, shape (N,), not sklearn's (N, 2) [1 - p, p]."""

from reference_impls.numpy import logistic_regression as _ref
from reference_impls.numpy.logistic_regression import fit_logistic, objective  # noqa: F401 - right

EXPECTED_HINT = "for 2 classes predict_proba returns (N, 2)"


def predict_proba(X, W, b):
    P = _ref.predict_proba(X, W, b)
    return P[:, 1] if W.ndim == 1 else P  # the mistake: the positive column only
