"""Wrong: the gradient subtracts the plain one-hot, though the loss uses the smoothed target."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy, log_softmax  # noqa: F401 (entry points)

EXPECTED_HINT = "the gradient ignores label smoothing"


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    n = logits.shape[0]
    p = np.exp(log_softmax(logits, axis=1))
    p[np.arange(n), target] -= 1  # the mistake: q = (1 - eps) * one_hot + eps / C
    return p / n
