"""Wrong: ReLU after every layer, the output layer too: logits clipped at 0, and their gradient masked."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad

EXPECTED_HINT = "ReLU on the output layer"


def _forward(x, weights, biases):
    hs, pre = [x], []
    for W, b in zip(weights, biases):
        a = hs[-1] @ W + b
        pre.append(a)
        hs.append(np.maximum(a, 0))  # the mistake: the last layer is linear
    return hs, pre


def mlp_backward(x, weights, biases, dlogits):
    hs, pre = _forward(x, weights, biases)
    dweights, dbiases = [None] * len(weights), [None] * len(weights)
    dh = dlogits
    for l in reversed(range(len(weights))):
        da = dh * (pre[l] > 0)
        dweights[l] = hs[l].T @ da
        dbiases[l] = da.sum(axis=0)
        dh = da @ weights[l].T
    return dweights, dbiases, dh


def mlp_loss_and_grads(x, y, weights, biases):
    logits = _forward(x, weights, biases)[0][-1]
    dweights, dbiases, _ = mlp_backward(x, weights, biases, cross_entropy_grad(logits, y))
    return cross_entropy(logits, y), dweights, dbiases
