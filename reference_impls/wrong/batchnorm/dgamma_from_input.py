"""Wrong: dgamma = sum(dy * x), with the raw input instead of the normalized xhat."""

from reference_impls.numpy.batchnorm import _axes, batchnorm_forward  # noqa: F401 - right
from reference_impls.numpy.batchnorm import batchnorm_backward as _reference_backward

EXPECTED_HINT = "dgamma = sum(dy * xhat)"


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    dx, _, dbeta = _reference_backward(dy, x, gamma, eps)
    return dx, (dy * x).sum(axis=_axes(x)), dbeta  # the mistake: xhat = (x - mu) / sigma, not x
