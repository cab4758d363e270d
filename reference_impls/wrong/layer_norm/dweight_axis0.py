"""Wrong: dweight/dbias summed over axis 0 only (fine for (N, D), wrong for (B, T, D))."""

import numpy as np

from reference_impls.numpy.layernorm import layer_norm, rms_norm, rms_norm_backward  # noqa: F401

EXPECTED_HINT = "sum over every leading (batch) axis"


def layer_norm_backward(dy, x, weight, eps=1e-5):
    axes = tuple(range(x.ndim - weight.ndim, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    rstd = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - mu) * rstd
    dxhat = dy * weight
    dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) * rstd
    return dx, (dy * xhat).sum(axis=0), dy.sum(axis=0)  # the mistake
