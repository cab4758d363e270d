"""Wrong: the mask read as PyTorch's key_padding_mask (True = padding): the real positions are masked."""

import math

import numpy as np

EXPECTED_HINT = "the mask is inverted"


def masked_softmax(X, mask):
    if mask is not None:
        X = np.where(mask, X.dtype.type(-1e6), X)  # the mistake: True = may attend
    X = X - X.max(axis=-1, keepdims=True)
    e = np.exp(X)
    return e / e.sum(axis=-1, keepdims=True)


def dot_product_attention(q, k, v, mask=None, scale=None):
    d = q.shape[-1]
    scores = np.einsum("nqd,nkd->nqk", q, k)
    scores = scores / q.dtype.type(math.sqrt(d)) if scale is None else scores * q.dtype.type(scale)
    attention_weights = masked_softmax(scores, mask)
    return np.einsum("nqk,nkv->nqv", attention_weights, v), attention_weights


def additive_attention(q, k, v, W_q, W_k, w, mask=None):
    queries, keys = q @ W_q, k @ W_k  # (N, Tq, A), (N, Tk, A)
    features = np.tanh(queries[:, :, None, :] + keys[:, None, :, :])  # (N, Tq, Tk, A)
    scores = np.einsum("nqka,a->nqk", features, w)
    attention_weights = masked_softmax(scores, mask)
    return attention_weights @ v, attention_weights
