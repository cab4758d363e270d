"""A deeper MLP trained by hand in NumPy on scikit-learn's 8x8 digits (module 0.2's capstone, step 5).

The step tests the mini framework "on MNIST digit classification with 3+ layer architectures". At a
CPU's scale: the shipped 8x8 digits (64 inputs, 10 classes), a 64 - 64 - 32 - 10 network (three weight
layers), ReLU between them, softmax cross-entropy on the logits, mini-batch SGD with backpropagation
written out: for logits Z = A W + b, dL/dZ = (softmax(Z) - onehot(y)) / N; dW = A^T dZ, db = sum dZ,
dA = dZ W^T, then through ReLU: dZ_prev = dA * (Z_prev > 0). Weights are (in, out), He-initialized
(std sqrt(2 / fan_in)), biases zero.

Gradients equal torch.autograd's on the same network (tests/reference/test_digits.py); the reference
reaches ~0.96 test accuracy in 10 epochs (batch 32, lr 0.1). Limits: plain SGD, no regularization.
"""

import numpy as np


def forward(params, X):
    """Logits (N, classes) of the MLP `params` = [(W, b), ...] on X (N, features): ReLU between layers."""
    A = X
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        A = np.maximum(Z, 0) if i < len(params) - 1 else Z
    return A


def backward(params, X, y):
    """(mean cross-entropy, [(dW, db), ...]) of the logits' softmax against the int labels `y`."""
    activations, pre = [X], []
    for i, (W, b) in enumerate(params):
        Z = activations[-1] @ W + b
        pre.append(Z)
        activations.append(np.maximum(Z, 0) if i < len(params) - 1 else Z)
    logits = activations[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_probs[np.arange(n), y].mean()
    dZ = np.exp(log_probs)
    dZ[np.arange(n), y] -= 1
    dZ /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, _ = params[i]
        grads.append((activations[i].T @ dZ, dZ.sum(axis=0)))
        if i:
            dZ = (dZ @ W.T) * (pre[i - 1] > 0)
    return loss, grads[::-1]


def train(X, y, sizes=(64, 64, 32, 10), epochs=10, lr=0.1, batch_size=32, seed=0):
    """He-initialized MLP trained with mini-batch SGD on shuffled batches; the params [(W, b), ...]."""
    rng = np.random.default_rng(seed)
    params = [
        (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in), np.zeros(fan_out))
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
    ]
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            _, grads = backward(params, X[batch], y[batch])
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return params
