"""Correct, in the style of the Group Normalization paper's code (Wu & He 2018, Figure 3): x reshaped to
(N, G, C // G, *spatial), moments over every axis from 2 on, reshaped back, then gamma and beta broadcast
as (1, C, 1, ...). The backward works on the same 5-D view with einsum for the per-channel sums;
instance norm is group norm with G = C, as torch's docs describe it."""

import numpy as np


def _view(x, G):
    N, C = x.shape[:2]
    return x.reshape((N, G, C // G) + x.shape[2:])


def _moments(xg, eps):
    axes = tuple(range(2, xg.ndim))
    mean = np.mean(xg, axis=axes, keepdims=True)
    var = np.mean(np.square(xg - mean), axis=axes, keepdims=True)
    return mean, 1.0 / np.sqrt(var + eps), axes


def _per_channel(v, ndim):
    return v.reshape((1, v.shape[0]) + (1,) * (ndim - 2))


def group_norm(x, num_groups, gamma, beta, eps=1e-5):
    xg = _view(x, num_groups)
    mean, inv_std, _ = _moments(xg, eps)
    x_norm = ((xg - mean) * inv_std).reshape(x.shape)
    return x_norm * _per_channel(gamma, x.ndim) + _per_channel(beta, x.ndim)


def group_norm_backward(dy, x, num_groups, gamma, eps=1e-5):
    xg = _view(x, num_groups)
    mean, inv_std, axes = _moments(xg, eps)
    x_norm = (xg - mean) * inv_std
    dy_flat = dy.reshape(dy.shape[0], dy.shape[1], -1)
    xn_flat = x_norm.reshape(dy_flat.shape)
    dgamma = np.einsum("ncs,ncs->c", dy_flat, xn_flat)
    dbeta = np.einsum("ncs->c", dy_flat)
    g = _view(dy * _per_channel(gamma, x.ndim), num_groups)
    m = int(np.prod(xg.shape[2:]))
    sum_g = np.sum(g, axis=axes, keepdims=True)
    sum_gx = np.sum(g * x_norm, axis=axes, keepdims=True)
    dx = inv_std / m * (m * g - sum_g - x_norm * sum_gx)
    return dx.reshape(x.shape), dgamma, dbeta


def instance_norm(x, gamma, beta, eps=1e-5):
    return group_norm(x, x.shape[1], gamma, beta, eps)


def instance_norm_backward(dy, x, gamma, eps=1e-5):
    return group_norm_backward(dy, x, x.shape[1], gamma, eps)
