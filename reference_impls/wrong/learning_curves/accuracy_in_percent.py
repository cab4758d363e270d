"""Wrong: the validation accuracy recorded in percent (0..100) instead of as a fraction."""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, forward
from reference_impls.numpy.learning_curves import _init, mean_cross_entropy

EXPECTED_HINT = "val_accuracy is a fraction in [0, 1]"
ALSO_APPLIES = ("times 100",)


def train_with_curves(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = _init(sizes, rng)
    curves = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            _, grads = backward(params, X[batch], y[batch])
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        curves["train_loss"].append(mean_cross_entropy(params, X, y))
        curves["val_loss"].append(mean_cross_entropy(params, X_val, y_val))
        correct = forward(params, X_val).argmax(axis=1) == y_val
        curves["val_accuracy"].append(100.0 * correct.mean())  # the mistake: a percentage
    return params, {k: np.array(v, dtype=np.float64) for k, v in curves.items()}


def lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    scores = []
    for lr in lrs:
        with np.errstate(over="ignore", invalid="ignore"):
            _, curves = train_with_curves(X, y, X_val, y_val, epochs=epochs, lr=lr, seed=seed)
        scores.append(curves["val_accuracy"][-1])
    return np.array(scores, dtype=np.float64)
