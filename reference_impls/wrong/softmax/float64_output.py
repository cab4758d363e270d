"""Wrong: computes in float64 and returns float64 for float32 input (the values are right)."""

import numpy as np

EXPECTED_HINT = "dtype"


def softmax(x, axis=-1):
    x = x.astype(np.float64)
    if x.size == 0:
        return x
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
