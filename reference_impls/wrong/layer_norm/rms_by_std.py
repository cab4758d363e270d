"""Wrong: RMSNorm divided by the standard deviation (x.var subtracts the mean) instead of the root mean
square; the numerator is left uncentred, so it is neither RMSNorm nor LayerNorm."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm, layer_norm_backward, rms_norm_backward  # noqa: F401

EXPECTED_HINT = "not by its standard deviation"


def rms_norm(x, weight, eps=1e-6):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    return x / np.sqrt(x.var(axis=axes, keepdims=True) + eps) * weight
