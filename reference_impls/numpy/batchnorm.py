"""Batch normalization (Ioffe & Szegedy 2015, arXiv:1502.03167), train / eval, forward and
backward, in NumPy, with PyTorch's running statistics.

x is (N, C) or (N, C, *spatial); statistics are per channel C, over every other axis (m values).
    training: mu, var = mean and BIASED variance over the batch (divide by m)
              y = gamma * (x - mu) / sqrt(var + eps) + beta
              running_mean = (1 - momentum) * running_mean + momentum * mu
              running_var  = (1 - momentum) * running_var  + momentum * var * m / (m - 1)   # UNBIASED
    eval:     the same with running_mean / running_var instead of the batch statistics.
Backward (training), with xhat = (x - mu) / sigma and dxhat = dy * gamma, over the m values:
    dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sigma
    dgamma = sum(dy * xhat),  dbeta = sum(dy)

Note PyTorch's `momentum` is the weight of the NEW statistic (0.1 by default), the opposite of
Keras's. Source: torch.nn.BatchNorm1d/2d documentation. Limits: returns new running stats instead
of updating buffers in place; m = 1 in training gives an infinite unbiased variance (PyTorch raises).
"""

import numpy as np


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))  # every axis but the channel axis 1


def _per_channel(v, x):
    return v.reshape((1, -1) + (1,) * (x.ndim - 2))  # (C,) -> (1, C, 1, ...) to broadcast


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    """Returns (y, new_running_mean, new_running_var)."""
    if training:
        axes = _axes(x)
        m = x.size // x.shape[1]  # values per channel
        mu = x.mean(axis=axes)  # (C,)
        var = x.var(axis=axes)  # (C,), biased: used to normalize
        unbiased = var * (m / (m - 1)) if m > 1 else np.full_like(var, np.inf)
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * unbiased
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    xhat = (x - _per_channel(mu, x)) / np.sqrt(_per_channel(var, x) + eps)
    y = _per_channel(gamma, x) * xhat + _per_channel(beta, x)
    return y.astype(x.dtype, copy=False), new_mean, new_var


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    """Training-mode gradients (dx, dgamma, dbeta), recomputing the batch statistics from x."""
    axes = _axes(x)
    mu = x.mean(axis=axes, keepdims=True)  # (1, C, 1, ...)
    rstd = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - mu) * rstd
    dxhat = dy * _per_channel(gamma, x)
    dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) * rstd
    return dx, (dy * xhat).sum(axis=axes), dy.sum(axis=axes)


def batchnorm_eval_backward(dy, x, gamma, running_var, eps=1e-5):
    """Eval mode is an affine map per channel: dx = dy * gamma / sqrt(running_var + eps)."""
    return dy * _per_channel(gamma / np.sqrt(running_var + eps), x)
