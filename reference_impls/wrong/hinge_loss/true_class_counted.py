"""Wrong: sums max(0, margin - s_y + s_j) over every class j, the true class included (it adds `margin`)."""

import numpy as np

from reference_impls.numpy.hinge import hinge_loss, hinge_loss_grad, multi_margin_loss_grad  # noqa: F401 - right

EXPECTED_HINT = "the true class counted as its own rival"


def multi_margin_loss(scores, target, margin=1.0):
    n, c = scores.shape
    correct = scores[np.arange(n), target][:, None]
    return np.sum(np.maximum(0, margin - correct + scores)) / (n * c)  # the mistake: j == y_n not excluded
