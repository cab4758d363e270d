"""Wrong: ignores the `axis` argument and always normalizes over the last axis."""

import numpy as np

EXPECTED_HINT = "normalized over the wrong axis"


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=-1, keepdims=True))
