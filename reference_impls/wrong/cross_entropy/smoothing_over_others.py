"""Wrong: label smoothing spreads eps over the C - 1 other classes only (not PyTorch's eps / C on every class)."""

import numpy as np

from reference_impls.numpy.cross_entropy import log_softmax

EXPECTED_HINT = "label smoothing as PyTorch"


def _targets(target, c, eps, dtype):
    q = np.full((len(target), c), eps / max(c - 1, 1), dtype=dtype)
    q[np.arange(len(target)), target] = 1 - eps
    return q


def cross_entropy(logits, target, label_smoothing=0.0):
    n, c = logits.shape
    return -np.sum(_targets(target, c, label_smoothing, logits.dtype) * log_softmax(logits, axis=1)) / n


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    n, c = logits.shape
    return (np.exp(log_softmax(logits, axis=1)) - _targets(target, c, label_smoothing, logits.dtype)) / n
