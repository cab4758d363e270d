"""Wrong: every weight starts at zero, so the hidden units stay identical and XOR is never learned."""

import numpy as np

from reference_impls.numpy.xor import XOR_X, XOR_Y, backward, bce_loss, forward

EXPECTED_HINT = "training does not solve XOR"


def train_xor(hidden=4, lr=2.0, steps=500, seed=0):
    params = {"W1": np.zeros((2, hidden)), "b1": np.zeros(hidden), "W2": np.zeros((hidden, 1)), "b2": np.zeros(1)}
    losses = []
    for _ in range(steps):
        losses.append(bce_loss(forward(XOR_X, params), XOR_Y))
        grads = backward(XOR_X, XOR_Y, params)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, losses
