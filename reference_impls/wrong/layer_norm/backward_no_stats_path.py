"""Wrong: backward treats mean and rstd as constants: dx = dy * weight * rstd."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm, rms_norm, rms_norm_backward  # noqa: F401 - right

EXPECTED_HINT = "dx must include the paths through the mean and variance"


def layer_norm_backward(dy, x, weight, eps=1e-5):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    lead = tuple(range(x.ndim - weight.ndim))
    rstd = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - x.mean(axis=axes, keepdims=True)) * rstd
    return dy * weight * rstd, (dy * xhat).sum(axis=lead), dy.sum(axis=lead)
