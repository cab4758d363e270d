"""Correct, in cs231n assignment 2's style: layer norm is batch norm on the transposed input. Each
sample is flattened to one row of an (M, D) matrix, transposed to (D, M) so the statistics run down
axis 0 as in batchnorm_forward, and the forward returns a cache that the backward unpacks (the
compact batchnorm_backward_alt formula, written with sums and N). RMSNorm is written as in Meta's
Llama (x * rsqrt(mean(x^2) + eps), computed in at least float32 and cast back with astype)."""

import numpy as np


def _flatten(x, weight):
    d = int(np.prod(weight.shape))
    return x.reshape(-1, d), d


def _ln_forward_cache(x, weight, bias, eps):
    x2, d = _flatten(x, weight)
    xt = x2.T  # (D, M): a batch-norm over axis 0
    mu = np.mean(xt, axis=0)
    var = np.mean((xt - mu) ** 2, axis=0)
    std = np.sqrt(var + eps)
    xhat_t = (xt - mu) / std
    xhat = xhat_t.T.reshape(x.shape)
    out = xhat * weight + bias
    return out, (xhat_t, std, weight, d)


def layer_norm(x, weight, bias, eps=1e-5):
    out, _ = _ln_forward_cache(x, weight, bias, eps)
    return out


def layer_norm_backward(dy, x, weight, eps=1e-5):
    _, (xhat_t, std, gamma, N) = _ln_forward_cache(x, weight, np.zeros_like(weight), eps)
    dout2 = dy.reshape(-1, N)
    dgamma = np.sum(dout2 * xhat_t.T, axis=0).reshape(weight.shape)
    dbeta = np.sum(dout2, axis=0).reshape(weight.shape)
    dxhat_t = (dout2 * gamma.reshape(1, -1)).T  # (D, M)
    dx_t = (N * dxhat_t - np.sum(dxhat_t, axis=0) - xhat_t * np.sum(dxhat_t * xhat_t, axis=0)) / (N * std)
    return dx_t.T.reshape(x.shape), dgamma, dbeta


def _rms(x, weight, eps):
    h = x.astype(np.promote_types(x.dtype, np.float32))
    axes = tuple(range(-weight.ndim, 0))
    inv = 1.0 / np.sqrt(np.mean(np.square(h), axis=axes, keepdims=True) + eps)
    return h, inv, axes


def rms_norm(x, weight, eps=1e-6):
    h, inv, _ = _rms(x, weight, eps)
    return (h * inv).astype(x.dtype) * weight


def rms_norm_backward(dy, x, weight, eps=1e-6):
    h, inv, axes = _rms(x, weight, eps)
    lead = tuple(range(x.ndim - weight.ndim))
    normed = h * inv
    g = dy * weight
    n = int(np.prod(weight.shape))
    dx = inv * g - normed * inv * np.sum(g * normed, axis=axes, keepdims=True) / n
    return dx.astype(x.dtype), np.sum(dy * normed, axis=lead).astype(x.dtype)
