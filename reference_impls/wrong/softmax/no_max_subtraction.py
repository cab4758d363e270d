"""Wrong: exp(x) without subtracting the max first; overflows to inf (then nan) for large logits."""

import numpy as np

EXPECTED_HINT = "no max subtraction"


def softmax(x, axis=-1):
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
