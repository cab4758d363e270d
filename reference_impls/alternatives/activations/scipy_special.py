"""Correct, in SciPy's style: scipy.special.expit for the sigmoid (stable for any x), scipy.special.erf
and the normal pdf for the exact GELU, np.where masks for the piecewise functions, and every result cast
back to the input's dtype (SciPy's ufuncs keep float32, Python constants stay weak under NumPy 2)."""

import math

import numpy as np
from scipy.special import erf, expit


def sigmoid(x):
    return expit(x).astype(x.dtype, copy=False)


def sigmoid_grad(x):
    s = expit(x)
    return (s * (1 - s)).astype(x.dtype, copy=False)


def relu(x):
    return np.where(x > 0, x, 0).astype(x.dtype, copy=False)


def relu_grad(x):
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, negative_slope * x).astype(x.dtype, copy=False)


def leaky_relu_grad(x, negative_slope=0.01):
    return np.where(x > 0, 1.0, negative_slope).astype(x.dtype)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return (1 - np.tanh(x) ** 2).astype(x.dtype, copy=False)


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def gelu(x, approximate="none"):
    if approximate == "tanh":
        out = 0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
    else:
        out = 0.5 * x * (1 + erf(x / math.sqrt(2)))
    return out.astype(x.dtype, copy=False)


def gelu_grad(x, approximate="none"):
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        t = np.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x**2)
        out = 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * d_inner
    else:
        cdf = 0.5 * (1 + erf(x / math.sqrt(2)))
        pdf = np.exp(-0.5 * x**2) / math.sqrt(2 * math.pi)
        out = cdf + x * pdf
    return out.astype(x.dtype, copy=False)


def silu(x):
    return (x * expit(x)).astype(x.dtype, copy=False)


def silu_grad(x):
    s = expit(x)
    return (s * (1 + x * (1 - s))).astype(x.dtype, copy=False)


def swiglu(a, b):
    return (silu(a) * b).astype(a.dtype, copy=False)


def swiglu_grad(a, b):
    return (silu_grad(a) * b).astype(a.dtype, copy=False), silu(a)
