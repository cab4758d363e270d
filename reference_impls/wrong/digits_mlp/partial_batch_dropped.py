"""Wrong: an epoch runs len(y) // batch_size full batches; the leftover examples never make a step."""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, forward  # noqa: F401 - right

EXPECTED_HINT = "the last partial batch was dropped"


def train(X, y, sizes=(64, 64, 32, 10), epochs=10, lr=0.1, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal((i, o)) * np.sqrt(2.0 / i), np.zeros(o)) for i, o in zip(sizes[:-1], sizes[1:])]
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for k in range(len(y) // batch_size):  # the mistake: -(-len(y) // batch_size) batches
            batch = order[k * batch_size : (k + 1) * batch_size]
            _, grads = backward(params, X[batch], y[batch])
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
    return params
