"""Wrong: the backward loop applies a ReLU mask at every layer, the first too, so dx is masked by (x > 0)."""

import numpy as np

from reference_impls.numpy.mlp import mlp_loss_and_grads  # noqa: F401 (entry point)

EXPECTED_HINT = "dx is masked"


def mlp_backward(x, weights, biases, dlogits):
    hs, pre = [x], [x]  # pre[l] is layer l's pre-activation, pre[0] = x
    for l, (W, b) in enumerate(zip(weights, biases)):
        a = hs[-1] @ W + b
        pre.append(a)
        hs.append(np.maximum(a, 0) if l < len(weights) - 1 else a)
    dweights, dbiases = [None] * len(weights), [None] * len(weights)
    da = dlogits
    for l in reversed(range(len(weights))):
        dweights[l] = hs[l].T @ da
        dbiases[l] = da.sum(axis=0)
        da = (da @ weights[l].T) * (pre[l] > 0)  # the mistake: no mask below the first layer (x has no ReLU)
    return dweights, dbiases, da
