"""Wrong: log(softmax(x)) without subtracting the max: inf / nan for large logits, -inf for very negative ones."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy_grad  # noqa: F401 - as in the reference

EXPECTED_HINT = "no log-sum-exp"
ALSO_APPLIES = ("an overflow or underflow",)


def log_softmax(x, axis=-1):
    e = np.exp(x)  # the mistake: no max subtracted first
    return np.log(e / np.sum(e, axis=axis, keepdims=True))


def cross_entropy(logits, target, label_smoothing=0.0):
    n, c = logits.shape
    q = np.full((n, c), label_smoothing / c, dtype=logits.dtype)
    q[np.arange(n), target] += 1 - label_smoothing
    return -np.sum(q * log_softmax(logits, axis=1)) / n
