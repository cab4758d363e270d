"""Activation functions and their derivatives, elementwise, in NumPy.

Each `f(x)` has a `f_grad(x)` giving df/dx at x (same shape), so a backward pass is
`dx = dout * f_grad(x)`. SwiGLU has two inputs and returns both partial derivatives.

Sources: GELU, Hendrycks & Gimpel 2016 (arXiv:1606.08415), exact form x * Phi(x) and the tanh
approximation used by GPT-2; SiLU/Swish, Ramachandran et al. 2017; SwiGLU, Shazeer 2020
(arXiv:2002.05202), as used in LLaMA: silu(x W) * (x V), here after the two projections.
Conventions follow torch.nn.functional: relu'(0) = 0, leaky_relu'(0) = negative_slope.

Limits: float32 and float64 in, same dtype out. NumPy has no erf, so exact GELU calls math.erf
per element (exact in float64, about 0.1 s per million elements): fine for exercises, not for
training. No SciPy import, to keep `import` cheap.
"""

import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])  # float64 out; callers cast back

SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def sigmoid(x):
    # stable in both tails: never exp() a large positive number
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope=0.01):
    return np.where(x > 0, x, x * negative_slope).astype(x.dtype, copy=False)


def leaky_relu_grad(x, negative_slope=0.01):
    return np.where(x > 0, 1.0, negative_slope).astype(x.dtype)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    t = np.tanh(x)
    return 1 - t * t


def gelu(x, approximate="none"):
    """approximate='none': x * Phi(x) with the exact erf; 'tanh': the GPT-2 approximation."""
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x**3)))
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2.0)))
    return (x * cdf).astype(x.dtype, copy=False)


def gelu_grad(x, approximate="none"):
    if approximate == "tanh":
        inner = SQRT_2_OVER_PI * (x + 0.044715 * x**3)
        t = np.tanh(inner)
        dinner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x**2)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner
    cdf = 0.5 * (1 + _erf(x / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (cdf + x * pdf).astype(x.dtype, copy=False)


def silu(x):
    return x * sigmoid(x)


def silu_grad(x):
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def swiglu(a, b):
    """SwiGLU gate on already projected inputs: silu(a) * b, with a = x @ W, b = x @ V."""
    return silu(a) * b


def swiglu_grad(a, b):
    """Returns (d out / d a, d out / d b), elementwise."""
    return silu_grad(a) * b, silu(a)
