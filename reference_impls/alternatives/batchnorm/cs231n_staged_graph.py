"""Correct, in cs231n's style: the forward keeps a cache of every intermediate, and the backward walks the
computational graph node by node (xmu, var, sqrtvar, ivar, xhat) instead of using the closed form; spatial
inputs are folded to (m, C) the way spatial_batchnorm does (channels last, then reshape)."""

import numpy as np


def _to_2d(x):
    """(N, C, *spatial) -> (N * prod(spatial), C), channels last."""
    return np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])


def _from_2d(x2, shape):
    moved = (shape[0], *shape[2:], shape[1])
    return np.moveaxis(x2.reshape(moved), -1, 1)


def _forward_2d(x, gamma, beta, eps):
    m = x.shape[0]
    mu = 1.0 / m * np.sum(x, axis=0)
    xmu = x - mu
    sq = xmu**2
    var = 1.0 / m * np.sum(sq, axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    out = gamma * xhat + beta
    cache = (xhat, gamma, xmu, ivar, sqrtvar, var, eps)
    return out, mu, var, cache


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    x2 = _to_2d(x)
    if training:
        m = x2.shape[0]
        out, mu, var, _ = _forward_2d(x2, gamma, beta, eps)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        out = gamma * (x2 - running_mean) / np.sqrt(running_var + eps) + beta
        running_mean, running_var = running_mean.copy(), running_var.copy()
    return _from_2d(out, x.shape).astype(x.dtype), running_mean, running_var


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    x2, dout = _to_2d(x), _to_2d(dy)
    _, _, _, cache = _forward_2d(x2, gamma, np.zeros_like(gamma), eps)
    xhat, gamma, xmu, ivar, sqrtvar, var, eps = cache
    N = dout.shape[0]

    dbeta = np.sum(dout, axis=0)
    dgammax = dout
    dgamma = np.sum(dgammax * xhat, axis=0)
    dxhat = dgammax * gamma

    divar = np.sum(dxhat * xmu, axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / (sqrtvar**2) * divar
    dvar = 0.5 * 1.0 / np.sqrt(var + eps) * dsqrtvar
    dsq = 1.0 / N * np.ones_like(dout) * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -1 * np.sum(dxmu1 + dxmu2, axis=0)
    dx2 = 1.0 / N * np.ones_like(dout) * dmu
    dx = dx1 + dx2
    return _from_2d(dx, x.shape), dgamma, dbeta
