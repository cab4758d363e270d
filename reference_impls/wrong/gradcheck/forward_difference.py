"""Wrong: the one-sided difference (f(x + h) - f(x)) / h, whose error is O(h)."""

import numpy as np

from reference_impls.numpy.gradcheck import relative_error

EXPECTED_HINT = "one-sided difference"


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    base = f()
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f() - base) / h
        x[i] = old
    return grad


def gradient_check(f, params, grads, h=1e-6):
    return max((relative_error(g, numerical_gradient(f, p, h)) for p, g in zip(params, grads)), default=0.0)
