"""Wrong: divides by sqrt(var) + eps instead of sqrt(var + eps); the backward follows the same formula."""

import numpy as np

from reference_impls.numpy.batchnorm import _axes, _per_channel

EXPECTED_HINT = "sqrt(var + eps)"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    if training:
        m = x.size // x.shape[1]
        mu, var = x.mean(axis=_axes(x)), x.var(axis=_axes(x))
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    xhat = (x - _per_channel(mu, x)) / (np.sqrt(_per_channel(var, x)) + eps)  # the mistake: eps outside the root
    return (_per_channel(gamma, x) * xhat + _per_channel(beta, x)).astype(x.dtype), new_mean, new_var


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    axes = _axes(x)
    mu = x.mean(axis=axes, keepdims=True)
    sigma = np.sqrt(x.var(axis=axes, keepdims=True))
    xhat = (x - mu) / (sigma + eps)
    dxhat = dy * _per_channel(gamma, x)
    # d xhat / d x for xhat = (x - mu) / (sigma + eps): the variance path scaled by sigma / (sigma + eps)
    k = sigma / (sigma + eps)
    dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - k * xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) / (
        sigma + eps
    )
    return dx, (dy * xhat).sum(axis=axes), dy.sum(axis=axes)
