"""Wrong: one rng for the whole sweep, so each learning rate starts from different weights and batches."""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, forward
from reference_impls.numpy.learning_curves import _init, mean_cross_entropy, train_with_curves  # noqa: F401

EXPECTED_HINT = "each learning rate continued from the previous run"


def lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    rng = np.random.default_rng(seed)  # the mistake: shared by every run of the sweep
    scores = []
    for lr in lrs:
        params = _init((64, 32, 10), rng)
        for _ in range(epochs):
            order = rng.permutation(len(y))
            for start in range(0, len(y), 32):
                batch = order[start : start + 32]
                _, grads = backward(params, X[batch], y[batch])
                params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        scores.append(float(np.mean(forward(params, X_val).argmax(axis=1) == y_val)))
    return np.array(scores)
