"""Wrong: the binary loss as in Andrew Ng's costFunction, -y log(h) - (1 - y) log(1 - h) with h = sigmoid(z):
log(0) = -inf once h rounds to exactly 0 or 1."""

import numpy as np

from reference_impls.numpy import logistic_regression as _ref
from reference_impls.numpy.logistic_regression import fit_logistic, predict_proba  # noqa: F401 - right

EXPECTED_HINT = "compute it from the logit z, np.logaddexp(0, z) - y z"
ALSO_APPLIES = ("nan/inf where the reference is finite",)


def objective(X, y, W, b, C=1.0, l1_ratio=0.0):
    if W.ndim == 2:
        return _ref.objective(X, y, W, b, C, l1_ratio)
    h = 1 / (1 + np.exp(-(X @ W + b)))
    nll = np.mean(-y * np.log(h) - (1 - y) * np.log(1 - h))  # the mistake: log of a rounded probability
    lam = 1.0 / (C * len(y))
    return nll + lam * (l1_ratio * np.abs(W).sum() + (1 - l1_ratio) / 2 * (W * W).sum())
