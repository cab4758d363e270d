"""Learning curves and a learning-rate sensitivity sweep, as data, for the NumPy MLP on 8x8 digits.

Module 0.2's capstone step 7. The plots are the learner's; what they plot is checked:
- `train_with_curves`: module 0.2's MLP (reference_impls/numpy/digits_mlp.py: He init, ReLU, softmax
  cross-entropy, mini-batch SGD) with, after every epoch, the mean cross-entropy on the whole training
  set and on the validation set and the validation accuracy, all of the current parameters. A gap
  that opens between the two losses is overfitting; a flat training loss, a learning rate too small.
- `lr_sensitivity`: the validation accuracy after `epochs` epochs for each learning rate, every run
  from the same seed (so only the learning rate differs): too small learns slowly, too large
  (5.0 here) ends at chance.

The losses equal torch's F.cross_entropy on the same logits (tests/reference/test_learning_curves_reference.py).
Limits: plain SGD; one seed per learning rate (no error bars).
"""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, forward


def _init(sizes, rng):
    return [
        (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in), np.zeros(fan_out))
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:])
    ]


def mean_cross_entropy(params, X, y):
    """The mean softmax cross-entropy of the MLP's logits against the int labels y."""
    logits = forward(params, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def train_with_curves(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32, seed=0):
    """(params, {"train_loss", "val_loss", "val_accuracy"}: float64 arrays (epochs,), measured after each epoch).

    rng = np.random.default_rng(seed): W ~ rng.standard_normal((in, out)) * sqrt(2 / in) layer by layer,
    b = 0; then each epoch rng.permutation(N) and SGD steps on consecutive batches of that order.
    """
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
        curves["val_accuracy"].append(float(np.mean(forward(params, X_val).argmax(axis=1) == y_val)))
    return params, {k: np.array(v, dtype=np.float64) for k, v in curves.items()}


def lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    """(len(lrs),) float64: the final validation accuracy for each learning rate, every run from `seed`."""
    scores = []
    for lr in lrs:
        with np.errstate(over="ignore", invalid="ignore"):
            _, curves = train_with_curves(X, y, X_val, y_val, epochs=epochs, lr=lr, seed=seed)
        scores.append(curves["val_accuracy"][-1])
    return np.array(scores, dtype=np.float64)
