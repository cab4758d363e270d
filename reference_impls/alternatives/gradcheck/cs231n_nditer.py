"""Correct, in the style of cs231n's gradient_check.py (eval_numerical_gradient): np.nditer with
flags=['multi_index'] and op_flags=['readwrite'] walks x, each entry is perturbed up and down in place and
restored, and rel_error takes the max of |x - y| / max(floor, |x| + |y|) (with the task's floor 1e-12).
gradient_check keeps a running worst error over the parameters."""

import numpy as np


def numerical_gradient(f, x, h=1e-06):
    grad = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f()  # evaluate f(x + h)
        x[ix] = oldval - h
        fxmh = f()  # evaluate f(x - h)
        x[ix] = oldval  # restore
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def relative_error(analytic, numeric):
    if np.size(analytic) == 0:
        return 0.0
    num = np.abs(analytic - numeric)
    den = np.maximum(1e-12, np.abs(analytic) + np.abs(numeric))
    return float(np.max(num / den))


def gradient_check(f, params, grads, h=1e-06):
    worst = 0.0
    for param, grad in zip(params, grads):
        err = relative_error(grad, numerical_gradient(f, param, h))
        if err > worst:
            worst = err
    return worst
