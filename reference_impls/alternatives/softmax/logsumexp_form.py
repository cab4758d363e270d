"""Correct, in SciPy's style: softmax = exp(log_softmax(x)), log_softmax = (x - max) - log(sum(exp(x - max)))
along the axis. Subtracting the max first, then the log-sum, keeps float32 digits near +-1000 (x - (max +
log sum) would round max + log sum at the scale of 1000)."""

import numpy as np


def _log_softmax(x, axis):
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(x, axis=-1):
    if x.size == 0:
        return np.empty_like(x)
    return np.exp(_log_softmax(x, axis)).astype(x.dtype, copy=False)


def softmax_backward(dout, y, axis=-1):
    s = np.einsum("...i,...i->...", np.moveaxis(dout, axis, -1), np.moveaxis(y, axis, -1))
    return y * (dout - np.expand_dims(s, axis))
