"""Wrong: computes in float32 whatever the input's dtype, and casts back: float64 input loses 9 digits."""

import numpy as np

EXPECTED_HINT = "computed in float32"
ALSO_APPLIES = ("wrong only for float64 inputs",)


def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    x32 = x.astype(np.float32)  # the mistake: float64 logits rounded to float32
    e = np.exp(x32 - np.max(x32, axis=axis, keepdims=True))
    return (e / np.sum(e, axis=axis, keepdims=True)).astype(x.dtype)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
