"""Wrong: sums without keepdims=True, so they broadcast along the wrong axis (or not at all)."""

import numpy as np

EXPECTED_HINT = "keepdims missing"


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
