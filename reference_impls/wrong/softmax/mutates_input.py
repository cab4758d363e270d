"""Wrong: subtracts the max in place, changing the caller's logits (the values it returns are right)."""

import numpy as np

EXPECTED_HINT = "modified its input"


def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    x -= np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
