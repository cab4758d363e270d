"""Correct, in the style of a Keras-like `history` loop written by hand: a self-contained MLP (its own
forward, backward and an `evaluate(params, X, y) -> (loss, accuracy)` helper, with the log-sum-exp
taken by np.logaddexp.reduce), a history dict of lists appended at the end of each epoch and turned
into arrays on return. Unlike Keras, whose `loss` is the running mean of the batch losses during the
epoch, the task wants the loss over all training rows with the end-of-epoch parameters: evaluate()
is called on the whole training set after the epoch's steps."""

import numpy as np


def _forward(params, X):
    activations = [X]
    for k, (W, b) in enumerate(params):
        Z = activations[-1] @ W + b
        activations.append(Z if k == len(params) - 1 else np.maximum(Z, 0))
    return activations


def _log_softmax(logits):
    return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)


def evaluate(params, X, y):
    log_p = _log_softmax(_forward(params, X)[-1])
    return float(-np.mean(log_p[np.arange(len(y)), y])), float(np.mean(log_p.argmax(axis=1) == y))


def _gradients(params, X, y):
    activations = _forward(params, X)
    delta = np.exp(_log_softmax(activations[-1]))
    delta[np.arange(len(y)), y] -= 1
    delta /= len(y)
    grads = []
    for k in reversed(range(len(params))):
        grads.insert(0, (activations[k].T @ delta, delta.sum(axis=0)))
        if k > 0:
            delta = (delta @ params[k][0].T) * (activations[k] > 0)
    return grads


def train_with_curves(X, y, X_val, y_val, sizes=(64, 32, 10), epochs=6, lr=0.1, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = [
        (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in), np.zeros(n_out))
        for n_in, n_out in zip(sizes, sizes[1:])
    ]
    history = {"train_loss": [], "val_loss": [], "val_accuracy": []}
    for _epoch in range(epochs):
        order = rng.permutation(len(X))
        for batch in np.array_split(order, range(batch_size, len(X), batch_size)):
            grads = _gradients(params, X[batch], y[batch])
            params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        train_loss, _ = evaluate(params, X, y)
        val_loss, val_acc = evaluate(params, X_val, y_val)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_acc)
    return params, {name: np.asarray(values, dtype=np.float64) for name, values in history.items()}


def lr_sensitivity(X, y, X_val, y_val, lrs, epochs=3, seed=0):
    results = np.zeros(len(lrs))
    for i, lr in enumerate(lrs):
        with np.errstate(over="ignore", invalid="ignore"):
            _, history = train_with_curves(X, y, X_val, y_val, epochs=epochs, lr=lr, seed=seed)
        results[i] = history["val_accuracy"][-1]
    return results
