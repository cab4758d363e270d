"""Attention for sequence-to-sequence models (Module 0.4), in NumPy: dot-product (Luong et al.
2015, arXiv:1508.04025; scaled as in Vaswani et al. 2017) and additive (Bahdanau et al. 2015,
arXiv:1409.0473).

    q: (N, Tq, D) decoder states    k: (N, Tk, D) encoder states    v: (N, Tk, Dv) values
    dot:      scores = q @ k^T * scale                   scale = 1 / sqrt(D) by default
    additive: scores[n, i, j] = w . tanh(q_i W_q + k_j W_k)    W_q (D, A), W_k (D, A), w (A,)
    mask (N, Tq, Tk) bool, True = attend: masked scores are -inf before the softmax
    weights = softmax(scores, over the Tk encoder positions);  context = weights @ v  (N, Tq, Dv)
The context vector replaces the encoder's single final state (the fixed-size bottleneck).

Source: torch.nn.functional.scaled_dot_product_attention (the dot form, same mask convention).
Limits: forward only; a row with every position masked gives nan (as PyTorch).
"""

import numpy as np


def _softmax_last(scores):
    m = np.max(scores, axis=-1, keepdims=True)
    e = np.exp(scores - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def dot_product_attention(q, k, v, mask=None, scale=None):
    """Returns (context (N, Tq, Dv), weights (N, Tq, Tk))."""
    scale = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) * q.dtype.type(scale)  # (N, Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_last(scores)
    return weights @ v, weights


def additive_attention(q, k, v, W_q, W_k, w, mask=None):
    """Returns (context (N, Tq, Dv), weights (N, Tq, Tk))."""
    hidden = np.tanh((q @ W_q)[:, :, None, :] + (k @ W_k)[:, None, :, :])  # (N, Tq, Tk, A)
    scores = hidden @ w  # (N, Tq, Tk)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax_last(scores)
    return weights @ v, weights
