"""Wrong: RMSNorm's backward treats rstd as a constant: dx = dy * weight * rstd."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm, layer_norm_backward, rms_norm  # noqa: F401 - right

EXPECTED_HINT = "the path through rstd"
ALSO_APPLIES = ("part of the output is right", "forward right, backward wrong")


def rms_norm_backward(dy, x, weight, eps=1e-6):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    lead = tuple(range(x.ndim - weight.ndim))
    rstd = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return dy * weight * rstd, (dy * x * rstd).sum(axis=lead)  # the mistake: no gradient through rstd
