"""Wrong: the unbiased variance (ddof=1, torch.var's default) instead of the biased one."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm_backward, rms_norm, rms_norm_backward  # noqa: F401

EXPECTED_HINT = "unbiased variance (ddof=1"


def layer_norm(x, weight, bias, eps=1e-5):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=1)  # the mistake: ddof=1
    return (x - mu) / np.sqrt(var + eps) * weight + bias
