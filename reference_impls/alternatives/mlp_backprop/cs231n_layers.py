"""Correct, in cs231n's style: affine_forward / relu_forward returning caches, affine_backward /
relu_backward consuming them, softmax_loss with the max subtracted, and the network as a loop over
layers that stores the caches on the way forward and pops them on the way back."""

import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1).dot(w) + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


def softmax_loss(x, y):
    shifted = x - np.max(x, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N


def _forward(x, weights, biases):
    caches, out = [], x
    for layer, (w, b) in enumerate(zip(weights, biases)):
        out, fc_cache = affine_forward(out, w, b)
        relu_cache = None
        if layer < len(weights) - 1:
            out, relu_cache = relu_forward(out)
        caches.append((fc_cache, relu_cache))
    return out, caches


def _backward(dout, caches):
    grads_w, grads_b = [], []
    for fc_cache, relu_cache in reversed(caches):
        if relu_cache is not None:
            dout = relu_backward(dout, relu_cache)
        dout, dw, db = affine_backward(dout, fc_cache)
        grads_w.insert(0, dw)
        grads_b.insert(0, db)
    return grads_w, grads_b, dout


def mlp_backward(x, weights, biases, dlogits):
    _, caches = _forward(x, weights, biases)
    return _backward(dlogits, caches)


def mlp_loss_and_grads(x, y, weights, biases):
    scores, caches = _forward(x, weights, biases)
    loss, dscores = softmax_loss(scores, y)
    dweights, dbiases, _ = _backward(dscores, caches)
    return loss, dweights, dbiases
