"""Correct, in the d2l / cs231n affine_relu style: the forward keeps each layer's input in a cache list,
the backward inserts gradients at the front, and ReLU's mask is read off its output (h > 0), which
is the same set as a > 0. The loss is written inline with log-probabilities.
"""

import numpy as np


def _forward(x, weights, biases):
    caches, h = [], x
    for i, (W, b) in enumerate(zip(weights, biases)):
        a = h.dot(W) + b
        caches.append(h)
        h = np.maximum(0, a) if i < len(weights) - 1 else a
    return h, caches


def mlp_backward(x, weights, biases, dlogits):
    _, caches = _forward(x, weights, biases)
    dws, dbs = [], []
    dout = dlogits
    for i in range(len(weights) - 1, -1, -1):
        h_in = caches[i]
        dws.insert(0, h_in.T.dot(dout))
        dbs.insert(0, np.sum(dout, axis=0))
        dout = dout.dot(weights[i].T)
        if i > 0:
            dout = dout * (h_in > 0)
    return dws, dbs, dout


def mlp_loss_and_grads(x, y, weights, biases):
    scores, _ = _forward(x, weights, biases)
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].mean()
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1
    dscores /= n
    dws, dbs, _ = mlp_backward(x, weights, biases, dscores)
    return loss, dws, dbs
