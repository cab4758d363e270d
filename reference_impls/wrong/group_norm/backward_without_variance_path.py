"""Wrong: the backward treats the variance as a constant: dx = (dxhat - mean(dxhat)) * rstd."""

import numpy as np

from reference_impls.numpy.groupnorm import _channel, group_norm, instance_norm  # noqa: F401

EXPECTED_HINT = "the gradient also flows through the variance"


def group_norm_backward(dy, x, num_groups, gamma, eps=1e-5):
    n = x.shape[0]
    xg = x.reshape(n, num_groups, -1)
    rstd = 1 / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) * rstd
    dxhat = (dy * _channel(gamma, x)).reshape(xg.shape)
    dx = (dxhat - dxhat.mean(axis=2, keepdims=True)) * rstd  # the mistake: - xhat * mean(dxhat * xhat)
    axes = (0,) + tuple(range(2, x.ndim))
    return dx.reshape(x.shape), (dy * xhat.reshape(x.shape)).sum(axis=axes), dy.sum(axis=axes)


def instance_norm_backward(dy, x, gamma, eps=1e-5):
    return group_norm_backward(dy, x, x.shape[1], gamma, eps)
