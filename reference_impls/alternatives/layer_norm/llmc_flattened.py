"""Correct, in the style of Karpathy's llm.c layernorm.py (forward caches mean and rstd; backward
dnorm = dout * w, dx = (dnorm - mean(dnorm) - norm * mean(dnorm * norm)) * rstd), generalized to k normalized
axes by flattening x to (N, D) with D = weight.size, so that every statistic is over the last axis."""


def _rows(x, weight):
    return x.reshape(-1, weight.size)


def layer_norm(x, weight, bias, eps=1e-5):
    xr = _rows(x, weight)
    mean = xr.mean(-1, keepdims=True)
    xshift = xr - mean
    var = (xshift**2).mean(-1, keepdims=True)
    rstd = (var + eps) ** -0.5
    out = xshift * rstd * weight.reshape(-1) + bias.reshape(-1)
    return out.reshape(x.shape)


def layer_norm_backward(dy, x, weight, eps=1e-5):
    xr, dout = _rows(x, weight), _rows(dy, weight)
    mean = xr.mean(-1, keepdims=True)
    rstd = (((xr - mean) ** 2).mean(-1, keepdims=True) + eps) ** -0.5
    norm = (xr - mean) * rstd
    db = dout.sum(0)
    dw = (dout * norm).sum(0)
    dnorm = dout * weight.reshape(-1)
    dx = dnorm - dnorm.mean(-1, keepdims=True) - (dnorm * norm).mean(-1, keepdims=True) * norm
    dx *= rstd
    return dx.reshape(x.shape), dw.reshape(weight.shape), db.reshape(weight.shape)


def rms_norm(x, weight, eps=1e-6):
    xr = _rows(x, weight)
    rstd = ((xr**2).mean(-1, keepdims=True) + eps) ** -0.5
    return (xr * rstd * weight.reshape(-1)).reshape(x.shape)


def rms_norm_backward(dy, x, weight, eps=1e-6):
    xr, dout = _rows(x, weight), _rows(dy, weight)
    rstd = ((xr**2).mean(-1, keepdims=True) + eps) ** -0.5
    norm = xr * rstd
    dw = (dout * norm).sum(0)
    dnorm = dout * weight.reshape(-1)
    dx = (dnorm - norm * (dnorm * norm).mean(-1, keepdims=True)) * rstd
    return dx.reshape(x.shape), dw.reshape(weight.shape)
