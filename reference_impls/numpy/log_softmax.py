"""Numerically stable log-softmax along an axis, and its backward pass, in NumPy.

    log_softmax(x)_i = x_i - logsumexp(x) = (x_i - m) - log(sum_j exp(x_j - m)),  m = max_j x_j

Subtracting the max keeps every exp() argument <= 0, so nothing overflows (exp(89) is already
inf in float32) and the largest term is exactly exp(0) = 1, so the log never sees 0.
Backward: with y = log_softmax(x) and upstream g, dx = g - softmax(x) * sum(g).

Source: the log-sum-exp trick as in torch.nn.functional.log_softmax.
Limits: float32 / float64; an axis of size 0 returns an empty array; a row of all -inf gives nan
(as in PyTorch).
"""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)  # (..., 1, ...)
    m = np.where(np.isfinite(m), m, 0)  # a row of -inf: leave it to give -inf
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def log_softmax(x, axis=-1):
    if x.shape[axis] == 0:
        return x.copy()
    m = np.max(x, axis=axis, keepdims=True)  # (..., 1, ...)
    m = np.where(np.isfinite(m), m, 0)
    shifted = x - m  # <= 0; subtract before adding log(sum): x - (m + lse) loses digits
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def log_softmax_backward(dout, x, axis=-1):
    """Gradient of sum(dout * log_softmax(x)) with respect to x."""
    if x.shape[axis] == 0:
        return dout.copy()
    p = np.exp(log_softmax(x, axis=axis))  # softmax, same shape as x
    return dout - p * np.sum(dout, axis=axis, keepdims=True)
