"""Wrong: dz = p - y without the 1 / N of the mean loss: every gradient N times too large."""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.xor import forward, train_xor  # noqa: F401 - right

EXPECTED_HINT = "the batch size: a sum over the batch where the task takes the mean"
ALSO_APPLIES = ("forward right, backward wrong",)


def backward(x, y, params):
    h = np.tanh(x @ params["W1"] + params["b1"])
    p = sigmoid(h @ params["W2"] + params["b2"])
    dz = p - y  # the mistake: no / N
    da1 = (dz @ params["W2"].T) * (1 - h * h)
    return {"W1": x.T @ da1, "b1": da1.sum(0), "W2": h.T @ dz, "b2": dz.sum(0)}
