"""Wrong: cs231n's SVM loss, summed over the classes and averaged over the N rows only (no division by C)."""

import numpy as np

from reference_impls.numpy.hinge import hinge_loss, hinge_loss_grad  # noqa: F401 - right

EXPECTED_HINT = "divides by C as well"


def multi_margin_loss(scores, target, margin=1.0):
    n = scores.shape[0]
    correct = scores[np.arange(n), target][:, None]
    m = np.maximum(0, margin - correct + scores)
    m[np.arange(n), target] = 0
    return np.sum(m) / n  # the mistake: / (n * c)


def multi_margin_loss_grad(scores, target, margin=1.0):
    n = scores.shape[0]
    rows = np.arange(n)
    correct = scores[rows, target][:, None]
    active = (margin - correct + scores > 0).astype(scores.dtype)
    active[rows, target] = 0
    grad = active.copy()
    grad[rows, target] = -active.sum(axis=1)
    return grad / n  # the mistake: / (n * c)
