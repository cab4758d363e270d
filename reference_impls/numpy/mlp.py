"""An N-layer MLP (Linear -> ReLU -> ... -> Linear) with a manual backward pass, in NumPy.

    h_0 = x                                   # (N, D_0)
    a_l = h_{l-1} @ W_l + b_l                 # (N, D_l), W_l: (D_{l-1}, D_l), b_l: (D_l,)
    h_l = relu(a_l)  for every layer but the last, whose a_L are the logits
Backward, from dlogits = dL/da_L, layer by layer (the chain rule, nothing else):
    dW_l = h_{l-1}.T @ da_l     db_l = da_l.sum(0)     dh_{l-1} = da_l @ W_l.T
    da_{l-1} = dh_{l-1} * (a_{l-1} > 0)

Weights are stored (in, out) so that the forward is x @ W, unlike torch.nn.Linear's (out, in)
weight and x @ W.T. Parameter count: sum_l (D_{l-1} + 1) * D_l.

Source: CS231n "Backpropagation, Intuitions" notes; Karpathy's micrograd / makemore part 4.
Limits: ReLU hidden layers only, no dropout / norm; float32 or float64 throughout.
"""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy, cross_entropy_grad


def init_mlp(sizes, rng=None, dtype=np.float64):
    """He-initialised weights and zero biases for layer sizes [D_0, D_1, ..., D_L]."""
    rng = rng or np.random.default_rng(0)
    weights = [(rng.standard_normal((i, o)) * np.sqrt(2.0 / i)).astype(dtype) for i, o in zip(sizes, sizes[1:])]
    biases = [np.zeros(o, dtype) for o in sizes[1:]]
    return weights, biases


def count_parameters(sizes):
    return sum((i + 1) * o for i, o in zip(sizes, sizes[1:]))


def mlp_forward(x, weights, biases):
    """Logits (N, D_L) of the MLP on x (N, D_0)."""
    h = x
    for l, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W + b  # (N, D_l)
        if l < len(weights) - 1:
            h = np.maximum(h, 0)
    return h


def mlp_backward(x, weights, biases, dlogits):
    """Gradients (dweights, dbiases, dx) of sum(dlogits * mlp_forward(x, ...))."""
    hs, pre = [x], []  # the forward again, keeping what the backward needs
    for l, (W, b) in enumerate(zip(weights, biases)):
        a = hs[-1] @ W + b
        pre.append(a)
        hs.append(np.maximum(a, 0) if l < len(weights) - 1 else a)
    dweights, dbiases = [None] * len(weights), [None] * len(weights)
    da = dlogits  # (N, D_L)
    for l in reversed(range(len(weights))):
        dweights[l] = hs[l].T @ da  # (D_{l-1}, D_l)
        dbiases[l] = da.sum(axis=0)  # (D_l,)
        dh = da @ weights[l].T  # (N, D_{l-1})
        da = dh * (pre[l - 1] > 0) if l > 0 else dh
    return dweights, dbiases, da


def mlp_loss_and_grads(x, y, weights, biases):
    """Mean softmax cross-entropy of the MLP's logits against integer labels y (N,), and its
    gradients (loss, dweights, dbiases)."""
    logits = mlp_forward(x, weights, biases)
    loss = cross_entropy(logits, y)
    dweights, dbiases, _ = mlp_backward(x, weights, biases, cross_entropy_grad(logits, y))
    return loss, dweights, dbiases
