"""Group normalization (Wu & He 2018, arXiv:1803.08494) and instance normalization (Ulyanov et
al. 2016, arXiv:1607.08022), forward and backward, in NumPy.

x is (N, C, *spatial). Group norm splits the C channels into G groups of C / G and normalizes
each (sample, group) over its channels and spatial positions, then applies a per-channel affine:
    xg = x.reshape(N, G, -1);  xhat = (xg - mean) / sqrt(var + eps);  y = xhat * gamma_c + beta_c
Independent of the batch size (unlike batch norm). Special cases: G = 1 is layer norm over
(C, *spatial); G = C is instance norm (each channel of each sample on its own; style transfer).
Backward per group over its n values, dxhat = dy * gamma_c:
    dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * rstd

Source: torch.nn.functional.group_norm / instance_norm. Limits: C divisible by G; instance norm
here has no running statistics (torch's default track_running_stats=False) and always uses the
affine (pass ones / zeros to disable).
"""

import numpy as np


def _channel(v, x):
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))  # (C,) -> (1, C, 1, ...)


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    n = x.shape[0]
    xg = x.reshape(n, num_groups, -1)  # (N, G, C/G * spatial)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) / np.sqrt(xg.var(axis=2, keepdims=True) + eps)
    return xhat.reshape(x.shape) * _channel(gamma, x) + _channel(beta, x)


def group_norm_backward(dy, x, num_groups, gamma, eps=1e-5):
    """Returns (dx, dgamma, dbeta)."""
    n = x.shape[0]
    xg = x.reshape(n, num_groups, -1)
    rstd = 1 / np.sqrt(xg.var(axis=2, keepdims=True) + eps)  # (N, G, 1)
    xhat = (xg - xg.mean(axis=2, keepdims=True)) * rstd
    dxhat = (dy * _channel(gamma, x)).reshape(xg.shape)
    dx = (dxhat - dxhat.mean(axis=2, keepdims=True) - xhat * (dxhat * xhat).mean(axis=2, keepdims=True)) * rstd
    axes = (0,) + tuple(range(2, x.ndim))
    return dx.reshape(x.shape), (dy * xhat.reshape(x.shape)).sum(axis=axes), dy.sum(axis=axes)


def instance_norm(x, gamma, beta, eps=1e-5):
    return group_norm(x, x.shape[1], gamma, beta, eps)


def instance_norm_backward(dy, x, gamma, eps=1e-5):
    return group_norm_backward(dy, x, x.shape[1], gamma, eps)
