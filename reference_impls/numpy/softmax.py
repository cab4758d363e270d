"""Numerically stable softmax along an axis, and its backward pass, in NumPy.

    softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m),   m = max_j x_j   (along `axis`)

Subtracting the max changes nothing mathematically (it cancels in the ratio) but keeps every exp()
argument <= 0: exp(89) is already inf in float32 (exp(710) in float64), so without it large logits
give inf / inf = nan; and the largest term is exactly 1, so the sum is never 0.

Backward: with y = softmax(x) and upstream gradient dout, the Jacobian is diag(y) - y y^T, so

    dx = y * (dout - sum(dout * y, axis, keepdims=True))

which needs only the forward output y (what a layer caches), never the (n, n) Jacobian.

Source: as torch.nn.functional.softmax / torch's softmax_backward_data (which also take the output).
Limits: float32 / float64, same dtype out; an empty batch gives an empty array; a row that is all
-inf gives nan (as in PyTorch).
"""

import numpy as np


def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    m = np.max(x, axis=axis, keepdims=True)  # (..., 1, ...): keepdims so it broadcasts along `axis`
    e = np.exp(x - m)  # every argument <= 0
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    """Gradient of sum(dout * softmax(x)) with respect to x, from y = softmax(x)."""
    return y * (dout - np.sum(dout * y, axis=axis, keepdims=True))
