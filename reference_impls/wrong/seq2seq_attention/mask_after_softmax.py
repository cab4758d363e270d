"""Wrong: softmax over every position, then zeroes the masked weights (the rest no longer sum to 1)."""

import numpy as np

EXPECTED_HINT = "masked positions get -inf scores"


def _weights(scores, mask):
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w = e / e.sum(axis=-1, keepdims=True)
    return w if mask is None else np.where(mask, w, 0)


def dot_product_attention(q, k, v, mask=None, scale=None):
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    w = _weights(q @ np.swapaxes(k, -1, -2) * q.dtype.type(scale), mask)
    return w @ v, w


def additive_attention(q, k, v, W_q, W_k, w, mask=None):
    scores = np.tanh((q @ W_q)[:, :, None, :] + (k @ W_k)[:, None, :, :]) @ w
    a = _weights(scores, mask)
    return a @ v, a
