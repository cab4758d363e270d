"""Wrong: backward uses only the Jacobian's diagonal, y * (1 - y), as if softmax were elementwise."""

import numpy as np

EXPECTED_HINT = "only the Jacobian's diagonal"


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return dout * y * (1 - y)
