"""Wrong: the true class gets -1 (once) instead of minus the number of active rivals."""

import numpy as np

from reference_impls.numpy.hinge import hinge_loss, hinge_loss_grad, multi_margin_loss  # noqa: F401 - right

EXPECTED_HINT = "minus the NUMBER of active rivals"


def multi_margin_loss_grad(scores, target, margin=1.0):
    n, c = scores.shape
    rows = np.arange(n)
    correct = scores[rows, target][:, None]
    active = (margin - correct + scores > 0).astype(scores.dtype)
    active[rows, target] = 0
    grad = active.copy()
    grad[rows, target] = -(active.sum(axis=1) > 0)
    return grad / (n * c)
