"""Cross-entropy from logits, with optional label smoothing, and its gradient, in NumPy.

    logp = log_softmax(z)                                          # (N, C), log-sum-exp trick
    q    = (1 - eps) * one_hot(y) + eps / C                        # smoothed target distribution
    loss = -mean_n sum_c q[n, c] * logp[n, c]
    dz   = (softmax(z) - q) / N

Never softmax then log: exp(z) overflows for z >= 89 in float32 (710 in float64) and log(0)
gives -inf for very negative logits. With eps = 0 this is torch.nn.functional.cross_entropy;
with eps > 0 it matches its `label_smoothing=eps` (Szegedy et al. 2016, arXiv:1512.00567).

Limits: logits (N, C) with integer class targets (N,); mean over the batch; no class weights,
no ignore_index, no probability targets. N = 0 gives nan, as in PyTorch.
"""

import numpy as np

from reference_impls.numpy.log_softmax import log_softmax


def smoothed_targets(target, num_classes, label_smoothing=0.0, dtype=np.float64):
    q = np.full((target.shape[0], num_classes), label_smoothing / num_classes, dtype=dtype)
    q[np.arange(target.shape[0]), target] += 1 - label_smoothing  # (N, C)
    return q


def cross_entropy(logits, target, label_smoothing=0.0):
    n, c = logits.shape
    logp = log_softmax(logits, axis=1)  # (N, C)
    q = smoothed_targets(target, c, label_smoothing, logits.dtype)
    return -np.sum(q * logp) / n if n else np.array(np.nan, logits.dtype)


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    n, c = logits.shape
    p = np.exp(log_softmax(logits, axis=1))  # softmax, (N, C)
    q = smoothed_targets(target, c, label_smoothing, logits.dtype)
    return (p - q) / max(n, 1)
