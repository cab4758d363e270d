"""Wrong: subtracts the max of the whole array instead of each row's (right while all rows share a scale)."""

import numpy as np

EXPECTED_HINT = "max of the whole array"


def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    e = np.exp(x - np.max(x))  # the mistake: one max for every row
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
