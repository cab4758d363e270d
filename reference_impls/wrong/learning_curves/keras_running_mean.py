"""Wrong: the training curve is the mean of the batch losses seen during the epoch (what Keras' history
reports), not the loss of the end-of-epoch parameters over all training rows."""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, forward
from reference_impls.numpy.learning_curves import _init, lr_sensitivity, mean_cross_entropy  # noqa: F401

EXPECTED_HINT = "the running mean of the batch losses"


def train_with_curves(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = _init(sizes, rng)
    curves = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(y))
        batch_losses = []
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            loss, grads = backward(params, X[batch], y[batch])
            batch_losses.append(loss)
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        curves["train_loss"].append(float(np.mean(batch_losses)))  # the mistake: mean_cross_entropy(params, X, y)
        curves["val_loss"].append(mean_cross_entropy(params, X_val, y_val))
        curves["val_accuracy"].append(float(np.mean(forward(params, X_val).argmax(axis=1) == y_val)))
    return params, {k: np.array(v, dtype=np.float64) for k, v in curves.items()}
