"""Wrong: logp[:, target] picks whole columns, an (N, N) block, instead of one entry per row."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy_grad, log_softmax  # noqa: F401 (entry points)

EXPECTED_HINT = "picked whole columns"


def cross_entropy(logits, target, label_smoothing=0.0):
    logp = log_softmax(logits, axis=1)
    nll = -np.mean(logp[:, target])  # the mistake: logp[np.arange(N), target]
    return (1 - label_smoothing) * nll - label_smoothing * np.mean(logp)
