"""Wrong: the softmax runs over axis 1 (the queries) instead of the last axis (the encoder positions):
each encoder position's weights sum to 1 instead of each query's."""

import numpy as np

EXPECTED_HINT = "normalized over the wrong axis"
ALSO_APPLIES = ("a 0/0 or a division by a sum that is 0",)


def _softmax(scores, axis):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def dot_product_attention(q, k, v, mask=None, scale=None):
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * q.dtype.type(scale)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax(scores, axis=1)  # the mistake: axis=-1
    return weights @ v, weights


def additive_attention(q, k, v, W_q, W_k, w, mask=None):
    scores = np.tanh((q @ W_q)[:, :, None, :] + (k @ W_k)[:, None, :, :]) @ w
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax(scores, axis=1)
    return weights @ v, weights
