"""Wrong: backward treats mu and sigma as constants: dx = dy * gamma / sigma."""

import numpy as np

from reference_impls.numpy.batchnorm import batchnorm_forward  # noqa: F401 - right

EXPECTED_HINT = "dx must include the paths through the batch mean and variance"


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mu = x.mean(axis=axes, keepdims=True)
    rstd = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - mu) * rstd
    return dy * gamma.reshape(shape) * rstd, (dy * xhat).sum(axis=axes), dy.sum(axis=axes)
