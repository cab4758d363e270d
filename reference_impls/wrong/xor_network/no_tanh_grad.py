"""Wrong: backpropagates through tanh as if it were the identity."""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.xor import forward, train_xor  # noqa: F401 - right

EXPECTED_HINT = "tanh's derivative is missing"


def backward(x, y, params):
    h = np.tanh(x @ params["W1"] + params["b1"])
    p = sigmoid(h @ params["W2"] + params["b2"])
    dz = (p - y) / len(y)
    da1 = dz @ params["W2"].T
    return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}
