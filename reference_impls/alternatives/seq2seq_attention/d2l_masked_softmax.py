"""Correct, in the style of Dive into Deep Learning (d2l.ai, Sec. 11.3): a masked_softmax that writes a large
negative value (-1e6) into the masked scores, then softmax; the dot-product scores by einsum divided by
sqrt(d); additive attention as d2l's AdditiveAttention, features = queries[:, :, None] + keys[:, None] then
tanh and a projection by w_v (here the vector w)."""

import math

import numpy as np


def masked_softmax(X, mask):
    if mask is not None:
        X = np.where(mask, X, X.dtype.type(-1e6))
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
