"""Wrong: backpropagates through the hidden layers as if they were linear (no ReLU mask)."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad
from reference_impls.numpy.mlp import mlp_forward

EXPECTED_HINT = "ReLU's backward is missing"


def mlp_backward(x, weights, biases, dlogits):
    hs = [x]
    for l, (W, b) in enumerate(zip(weights, biases)):
        a = hs[-1] @ W + b
        hs.append(np.maximum(a, 0) if l < len(weights) - 1 else a)
    dW, db, da = [None] * len(weights), [None] * len(weights), dlogits
    for l in reversed(range(len(weights))):
        dW[l], db[l] = hs[l].T @ da, da.sum(axis=0)
        da = da @ weights[l].T  # the mask (a > 0) is missing
    return dW, db, da


def mlp_loss_and_grads(x, y, weights, biases):
    logits = mlp_forward(x, weights, biases)
    dW, db, _ = mlp_backward(x, weights, biases, cross_entropy_grad(logits, y))
    return cross_entropy(logits, y), dW, db
