"""Correct, cs231n style: a 2-D (M, C) batchnorm, spatial inputs moved to (N * H * W, C) with C last and
back (spatial_batchnorm_forward); the backward is batchnorm_backward_alt's closed form
(1/N) gamma istd (N dout - sum dout - xhat sum(dout xhat)). Running stats in the TASK's PyTorch convention."""

import numpy as np


def _to_2d(x):
    if x.ndim == 2:
        return x, None
    perm = (0,) + tuple(range(2, x.ndim)) + (1,)
    moved = x.transpose(perm)
    return moved.reshape(-1, x.shape[1]), (moved.shape, perm)


def _from_2d(y2, info):
    if info is None:
        return y2
    shape, perm = info
    return y2.reshape(shape).transpose(np.argsort(perm))


def _bn_2d_forward(x, gamma, beta, eps):
    sample_mean = x.mean(axis=0)
    sample_var = x.var(axis=0)
    x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
    out = gamma * x_hat + beta
    return out, sample_mean, sample_var


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    x2, info = _to_2d(x)
    N = x2.shape[0]
    if training:
        out, mu, var = _bn_2d_forward(x2, gamma, beta, eps)
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * N / (N - 1)
    else:
        out = gamma * (x2 - running_mean) / np.sqrt(running_var + eps) + beta
    return _from_2d(out.astype(x.dtype), info), running_mean, running_var


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    x2, info = _to_2d(x)
    dout, _ = _to_2d(dy)
    N = x2.shape[0]
    mu = x2.mean(axis=0)
    istd = 1.0 / np.sqrt(x2.var(axis=0) + eps)
    x_hat = (x2 - mu) * istd
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (1.0 / N) * gamma * istd * (N * dout - dbeta - x_hat * dgamma)
    return _from_2d(dx, info), dgamma, dbeta
