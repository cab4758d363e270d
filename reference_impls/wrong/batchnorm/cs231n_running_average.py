"""Wrong (for PyTorch's API): cs231n's running average, running = momentum * running + (1 - momentum) * batch,
with the batch's BIASED variance: both conventions of cs231n's layers.py at once."""

import numpy as np

from reference_impls.numpy.batchnorm import _axes, _per_channel, batchnorm_backward  # noqa: F401 - right

EXPECTED_HINT = "cs231n's running average"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        mu, var = x.mean(axis=_axes(x)), x.var(axis=_axes(x))
        new_mean = momentum * running_mean + (1 - momentum) * mu  # the mistake: cs231n's weights, biased var
        new_var = momentum * running_var + (1 - momentum) * var
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    y = _per_channel(gamma, x) * (x - _per_channel(mu, x)) / np.sqrt(_per_channel(var, x) + eps)
    return (y + _per_channel(beta, x)).astype(x.dtype), new_mean, new_var
