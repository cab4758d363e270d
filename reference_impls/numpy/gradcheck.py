"""Gradient checking by central finite differences, in NumPy.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)        error O(h^2)

and the relative error |a - n| / max(|a| + |n|, tiny) between analytic and numerical gradients.
In float64 with h = 1e-6 a correct gradient gives relative errors around 1e-8 or less; 1e-3
or more is a bug (CS231n, "Gradient checks"). Kinks (ReLU at 0, max) can give false alarms
when x +- h straddles them.

Limits: float64 only (float32 round-off swamps the O(h^2) term), one scalar function f() of
arrays that are perturbed in place and restored; O(size) evaluations of f.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-6):
    """d f() / d x by central differences, perturbing x in place (restored before returning)."""
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    denom = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    return float(np.max(np.abs(analytic - numeric) / denom)) if analytic.size else 0.0


def gradient_check(f, params, grads, h=1e-6):
    """Max relative error over every parameter: f() is the loss as a function of params (arrays
    it reads at call time), grads the analytic gradients in the same order."""
    return max((relative_error(g, numerical_gradient(f, p, h)) for p, g in zip(params, grads)), default=0.0)
