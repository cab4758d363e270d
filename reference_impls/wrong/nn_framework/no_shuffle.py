"""Wrong: train takes the batches in the data's order every epoch (never shuffles)."""

import numpy as np

from reference_impls.numpy.nn_framework import *  # every other class is right

EXPECTED_HINT = "train must shuffle every epoch"


def train(network, loss_fn, optimizer, X, y, epochs=1, batch_size=32, rng=None):
    losses = []
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            losses.append(loss_fn.forward(network.forward(xb, training=True), yb))
            network.backward(loss_fn.backward())
            optimizer.step(network.grads())
    return np.array(losses)
