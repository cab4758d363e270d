"""Correct, in the style of the "neural network from scratch: XOR" tutorials: Glorot-uniform weights from a
seeded Generator, a cache dict from the forward, and a backward that spells the chain rule out factor by
factor (dL/dp, then dp/dz = p (1 - p), rather than the fused p - y); the parameters are updated in place
and the loss recorded after each step's update."""

import numpy as np

X_XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y_XOR = np.array([[0.0], [1.0], [1.0], [0.0]])


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _forward_cache(x, params):
    a1 = np.dot(x, params["W1"]) + params["b1"]
    h = np.tanh(a1)
    z = np.dot(h, params["W2"]) + params["b2"]
    p = _sigmoid(z)
    return {"h": h, "p": p}


def forward(x, params):
    return _forward_cache(x, params)["p"]


def backward(x, y, params):
    cache = _forward_cache(x, params)
    h, p = cache["h"], cache["p"]
    n = x.shape[0]
    dL_dp = -(y / p - (1 - y) / (1 - p)) / n
    dp_dz = p * (1 - p)
    dz = dL_dp * dp_dz
    dW2 = np.dot(h.T, dz)
    db2 = np.sum(dz, axis=0)
    dh = np.dot(dz, params["W2"].T)
    da1 = dh * (1 - h**2)
    dW1 = np.dot(x.T, da1)
    db1 = np.sum(da1, axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def _bce(p, y):
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def train_xor(hidden=4, lr=2.0, steps=500, seed=0):
    rng = np.random.default_rng(seed)
    lim1, lim2 = np.sqrt(6.0 / (2 + hidden)), np.sqrt(6.0 / (hidden + 1))
    params = {
        "W1": rng.uniform(-lim1, lim1, (2, hidden)),
        "b1": rng.uniform(-0.5, 0.5, hidden),
        "W2": rng.uniform(-lim2, lim2, (hidden, 1)),
        "b2": np.zeros(1),
    }
    losses = []
    for _ in range(steps):
        grads = backward(X_XOR, Y_XOR, params)
        for k in params:
            params[k] -= lr * grads[k]
        losses.append(_bce(forward(X_XOR, params), Y_XOR))
    return params, losses
