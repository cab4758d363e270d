"""Correct, in cs231n's style (layers.softmax_loss): shifted logits, log_probs = shifted - log(Z), the loss
picked out with fancy indexing and the gradient as probs with 1 subtracted at the true classes, divided by
N; label smoothing mixes in the uniform part by hand."""

import numpy as np


def log_softmax(x, axis=-1):
    if x.shape[axis] == 0:
        return x.copy()
    shifted_logits = x - np.max(x, axis=axis, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=axis, keepdims=True)
    return shifted_logits - np.log(Z)


def cross_entropy(logits, target, label_smoothing=0.0):
    N, C = logits.shape
    log_probs = log_softmax(logits, axis=1)
    nll = -np.sum(log_probs[np.arange(N), target]) / N
    uniform = -np.sum(log_probs) / (N * C)  # cross-entropy against the uniform distribution
    return ((1 - label_smoothing) * nll + label_smoothing * uniform).astype(logits.dtype)


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    N, C = logits.shape
    dx = np.exp(log_softmax(logits, axis=1))
    dx[np.arange(N), target] -= 1 - label_smoothing
    dx -= label_smoothing / C
    dx /= N
    return dx
