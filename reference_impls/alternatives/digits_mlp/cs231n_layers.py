"""Correct, in the style of cs231n's assignment 2 (layers.py / fc_net.py): affine_forward and
relu_forward return (out, cache), their backward functions read the cache, softmax_loss returns
(loss, dx) with cs231n's shifted log-probabilities, relu_backward zeroes dout where x <= 0, and the
training loop updates parameters in place (W -= lr * dW). Follows the task's contract: W (in, out),
He initialization from np.random.default_rng(seed), zero biases, a fresh permutation each epoch, the
last partial batch included."""

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
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx


def softmax_loss(x, y):
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    N = x.shape[0]
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def _forward_with_caches(params, X):
    caches, out = [], X
    for i, (W, b) in enumerate(params):
        out, fc_cache = affine_forward(out, W, b)
        relu_cache = None
        if i < len(params) - 1:
            out, relu_cache = relu_forward(out)
        caches.append((fc_cache, relu_cache))
    return out, caches


def forward(params, X):
    return _forward_with_caches(params, X)[0]


def backward(params, X, y):
    scores, caches = _forward_with_caches(params, X)
    loss, dout = softmax_loss(scores, y)
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        fc_cache, relu_cache = caches[i]
        if relu_cache is not None:
            dout = relu_backward(dout, relu_cache)
        dout, dW, db = affine_backward(dout, fc_cache)
        grads[i] = (dW, db)
    return loss, grads


def train(X, y, sizes=(64, 64, 32, 10), epochs=10, lr=0.1, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in), np.zeros(fan_out)))
    num_train = X.shape[0]
    iterations_per_epoch = int(np.ceil(num_train / batch_size))
    for _ in range(epochs):
        idx = rng.permutation(num_train)
        for it in range(iterations_per_epoch):
            batch = idx[it * batch_size : (it + 1) * batch_size]
            _, grads = backward(params, X[batch], y[batch])
            for (W, b), (dW, db) in zip(params, grads):
                W -= lr * dW
                b -= lr * db
    return params
