"""Correct, d2l's dropout_layer style: the mask from rng.uniform(0, 1, shape) > p (the same stream as
rng.random; strict > differs from >= only on an exact tie), p == 1 handled first, eval returning x itself."""

import numpy as np


def dropout(x, p=0.5, training=True, rng=None):
    if not training:
        return x, None
    rng = rng if rng is not None else np.random.default_rng()
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)
    mask = (rng.uniform(0, 1, x.shape) > p).astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


def dropout_backward(dout, mask):
    return dout if mask is None else dout * mask
