"""Wrong: layer norm with batch-norm statistics (over axis 0) instead of each sample's."""

import numpy as np

from reference_impls.numpy.layernorm import (  # noqa: F401 - right
    layer_norm_backward,
    rms_norm,
    rms_norm_backward,
)

EXPECTED_HINT = "normalized over the wrong axis"


def layer_norm(x, weight, bias, eps=1e-5):
    mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias
