"""Wrong: an (N, C, *spatial) input reshaped to (-1, C) without moving C last: each 'channel' column then
mixes values of every channel and position."""

import numpy as np

EXPECTED_HINT = "reshape(-1, C)"


def batchnorm_forward(x, gamma, beta, running_mean, running_var, training=True, momentum=0.1, eps=1e-5):
    x2 = x.reshape(-1, x.shape[1])  # the mistake: x.transpose(0, 2, 3, 1).reshape(-1, C) (C moved last first)
    m = x2.shape[0]
    if training:
        mu, var = x2.mean(axis=0), x2.var(axis=0)
        new_mean = (1 - momentum) * running_mean + momentum * mu
        new_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
        new_mean, new_var = running_mean.copy(), running_var.copy()
    y = gamma * (x2 - mu) / np.sqrt(var + eps) + beta
    return y.reshape(x.shape).astype(x.dtype), new_mean, new_var


def batchnorm_backward(dy, x, gamma, eps=1e-5):
    x2, d2 = x.reshape(-1, x.shape[1]), dy.reshape(-1, x.shape[1])  # the same mistake
    sigma = np.sqrt(x2.var(axis=0) + eps)
    xhat = (x2 - x2.mean(axis=0)) / sigma
    dxhat = d2 * gamma
    dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / sigma
    return dx.reshape(x.shape), (d2 * xhat).sum(axis=0), d2.sum(axis=0)
