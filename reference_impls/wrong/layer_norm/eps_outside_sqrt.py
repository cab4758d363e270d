"""Wrong: eps added to the standard deviation, outside the square root."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm_backward, rms_norm_backward  # noqa: F401

EXPECTED_HINT = "eps added to the standard deviation"


def layer_norm(x, weight, bias, eps=1e-5):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    return (x - mu) / (np.sqrt(x.var(axis=axes, keepdims=True)) + eps) * weight + bias  # the mistake


def rms_norm(x, weight, eps=1e-6):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    return x / (np.sqrt((x * x).mean(axis=axes, keepdims=True)) + eps) * weight  # the mistake
