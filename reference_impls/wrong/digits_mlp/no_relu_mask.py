"""Wrong: backpropagates through the hidden layers as if they had no ReLU."""

import numpy as np

from reference_impls.numpy.digits_mlp import forward, train  # noqa: F401

EXPECTED_HINT = "the gradient went through the ReLUs unmasked"
ALSO_APPLIES = ("part of the output is right",)


def backward(params, X, y):
    activations = [X]
    for i, (W, b) in enumerate(params):
        Z = activations[-1] @ W + b
        activations.append(np.maximum(Z, 0) if i < len(params) - 1 else Z)
    logits = activations[-1]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    dZ = np.exp(log_probs)
    dZ[np.arange(n), y] -= 1
    dZ /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, _ = params[i]
        grads.append((activations[i].T @ dZ, dZ.sum(axis=0)))
        dZ = dZ @ W.T  # the mistake: no * (Z_prev > 0)
    return -log_probs[np.arange(n), y].mean(), grads[::-1]
