"""Binary cross-entropy, from probabilities and from logits, and their gradients, in NumPy.

From probabilities (torch.nn.functional.binary_cross_entropy):
    loss = -mean(y log p + (1 - y) log(1 - p)),   each log clamped at -100 as PyTorch does
    d/dp = (p - y) / (p (1 - p)) / n              (PyTorch clamps the denominator at 1e-12)
From logits (binary_cross_entropy_with_logits), stable for any z:
    loss = mean(max(z, 0) - z y + log(1 + exp(-|z|)))
    d/dz = (sigmoid(z) - y) / n
Prefer the logits form: sigmoid then log loses everything once sigmoid(z) rounds to 1.

Limits: mean over all elements; no weights, no pos_weight. Targets may be soft (in [0, 1]).
"""

import numpy as np

from reference_impls.numpy.activations import sigmoid


def bce(p, y):
    with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped
        logp = np.maximum(np.log(p), -100)
        log1mp = np.maximum(np.log1p(-p), -100)
    return -np.mean(y * logp + (1 - y) * log1mp)


def bce_grad(p, y):
    return (p - y) / np.maximum(p * (1 - p), 1e-12) / p.size


def bce_with_logits(z, y):
    return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))


def bce_with_logits_grad(z, y):
    return (sigmoid(z) - y) / z.size
