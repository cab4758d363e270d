"""Wrong: statistics over the batch axis only, so (N, C, H, W) inputs get one mean per (c, h, w)."""

import numpy as np

from reference_impls.numpy.batchnorm import batchnorm_backward  # noqa: F401 - right

EXPECTED_HINT = "normalized over the wrong axis"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if not training:
        y = (x - running_mean.reshape(shape)) / np.sqrt(running_var.reshape(shape) + eps)
        return gamma.reshape(shape) * y + beta.reshape(shape), running_mean.copy(), running_var.copy()
    mu, var = x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True)
    m = x.shape[0]
    other = tuple(range(1, x.ndim - 1))
    bmu = mu[0].mean(axis=other) if other else mu[0]
    bvar = var[0].mean(axis=other) if other else var[0]
    y = gamma.reshape(shape) * (x - mu) / np.sqrt(var + eps) + beta.reshape(shape)
    return (
        y,
        (1 - momentum) * running_mean + momentum * bmu,
        (1 - momentum) * running_var + momentum * bvar * m / (m - 1),
    )
