"""Wrong: the softmax shifted by the whole batch's max logit, not each row's: a row far below it underflows."""

import numpy as np

from reference_impls.numpy.digits_mlp import forward, train  # noqa: F401 - right

EXPECTED_HINT = "subtract each row's own max first"


def backward(params, X, y):
    activations, pre = [X], []
    for i, (W, b) in enumerate(params):
        Z = activations[-1] @ W + b
        pre.append(Z)
        activations.append(np.maximum(Z, 0) if i < len(params) - 1 else Z)
    logits = activations[-1]
    shifted = logits - logits.max()  # the mistake: logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_probs[np.arange(n), y].mean()
    dZ = np.exp(log_probs)
    dZ[np.arange(n), y] -= 1
    dZ /= n
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, _ = params[i]
        grads.append((activations[i].T @ dZ, dZ.sum(axis=0)))
        if i:
            dZ = (dZ @ W.T) * (pre[i - 1] > 0)
    return loss, grads[::-1]
