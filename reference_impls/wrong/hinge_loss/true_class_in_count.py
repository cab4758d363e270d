"""Wrong: cs231n's gradient without zeroing the true class's margin first: its own margin (= margin > 0)
is counted as an active rival, so the true class gets -(active rivals + 1) / (N C)."""

import numpy as np

from reference_impls.numpy.hinge import hinge_loss, hinge_loss_grad, multi_margin_loss  # noqa: F401 - right

EXPECTED_HINT = "has its own margin counted as an active rival"


def multi_margin_loss_grad(scores, target, margin=1.0):
    N, C = scores.shape
    correct = scores[np.arange(N), target][:, None]
    margins = np.maximum(0, scores - correct + margin)  # the mistake: the true class's entry is not zeroed
    binary = (margins > 0).astype(scores.dtype)
    binary[np.arange(N), target] = -binary.sum(axis=1)
    return binary / (N * C)
