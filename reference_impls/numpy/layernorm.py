"""Layer normalization (Ba et al. 2016, arXiv:1607.06450) and RMSNorm (Zhang & Sennrich 2019,
arXiv:1910.07467), forward and backward, in NumPy.

Both normalize each sample over its LAST k axes, k = weight.ndim (torch's normalized_shape):
    layer_norm: y = (x - mean) / sqrt(var + eps) * weight + bias     (biased variance)
    rms_norm:   y = x / sqrt(mean(x^2) + eps) * weight               (no centering, no bias)
Unlike batch norm there are no running statistics and train == eval; one sample never sees
another, so it works for batch size 1 and variable-length sequences.
Backward over the n normalized values, dxhat = dy * weight:
    layer_norm: dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) * rstd
    rms_norm:   dx = (dxhat - xhat * mean(dxhat * xhat)) * rstd      (xhat = x * rstd)
dweight / dbias sum over the leading (batch) axes.

Source: torch.nn.functional.layer_norm / rms_norm. Limits: elementwise affine always on (pass
ones / zeros to disable); eps defaults 1e-5 (layer norm) and 1e-6 (RMSNorm, LLaMA's value;
torch's default is the dtype's machine epsilon).
"""

import numpy as np


def _norm_axes(x, weight):
    return tuple(range(x.ndim - weight.ndim, x.ndim))  # the last weight.ndim axes


def layer_norm(x, weight, bias, eps=1e-5):
    axes = _norm_axes(x, weight)
    mu = x.mean(axis=axes, keepdims=True)  # (..., 1, 1)
    var = x.var(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * weight + bias


def layer_norm_backward(dy, x, weight, eps=1e-5):
    """Returns (dx, dweight, dbias)."""
    axes = _norm_axes(x, weight)
    lead = tuple(range(x.ndim - weight.ndim))  # batch axes, summed for the parameter gradients
    mu = x.mean(axis=axes, keepdims=True)
    rstd = 1 / np.sqrt(x.var(axis=axes, keepdims=True) + eps)
    xhat = (x - mu) * rstd
    dxhat = dy * weight
    dx = (dxhat - dxhat.mean(axis=axes, keepdims=True) - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) * rstd
    return dx, (dy * xhat).sum(axis=lead), dy.sum(axis=lead)


def rms_norm(x, weight, eps=1e-6):
    axes = _norm_axes(x, weight)
    rstd = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    return x * rstd * weight


def rms_norm_backward(dy, x, weight, eps=1e-6):
    """Returns (dx, dweight)."""
    axes = _norm_axes(x, weight)
    lead = tuple(range(x.ndim - weight.ndim))
    rstd = 1 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    xhat = x * rstd
    dxhat = dy * weight
    dx = (dxhat - xhat * (dxhat * xhat).mean(axis=axes, keepdims=True)) * rstd
    return dx, (dy * xhat).sum(axis=lead)
