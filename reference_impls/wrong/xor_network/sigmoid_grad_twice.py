"""Wrong: the sigmoid's derivative multiplied in again on top of BCE's fused gradient: dz = (p - y) p (1 - p) / N
(the MSE-style backprop through the output sigmoid)."""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.xor import XOR_X, XOR_Y, bce_loss, forward, init_params  # noqa: F401 - right

EXPECTED_HINT = "already includes the sigmoid's derivative"


def backward(x, y, params):
    h = np.tanh(x @ params["W1"] + params["b1"])
    p = sigmoid(h @ params["W2"] + params["b2"])
    dz = (p - y) * p * (1 - p) / len(y)  # the mistake: sigmoid' applied twice
    da1 = (dz @ params["W2"].T) * (1 - h * h)
    return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}


def train_xor(hidden=4, lr=2.0, steps=500, seed=0):
    params = init_params(hidden, seed)
    losses = []
    for _ in range(steps):
        losses.append(bce_loss(forward(XOR_X, params), XOR_Y))
        grads = backward(XOR_X, XOR_Y, params)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, losses
