"""Wrong: the running variance is updated with the biased batch variance (np.var's default)."""

import numpy as np

from reference_impls.numpy.batchnorm import batchnorm_backward  # noqa: F401 - right

EXPECTED_HINT = "biased variance in running stats"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    if training:
        mu, var = x.mean(axis=axes), x.var(axis=axes)
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var  # should be var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    y = gamma.reshape(shape) * (x - mu.reshape(shape)) / np.sqrt(var.reshape(shape) + eps) + beta.reshape(shape)
    return y, new_mean, new_var
