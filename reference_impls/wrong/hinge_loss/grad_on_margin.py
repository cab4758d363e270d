"""Wrong: the binary subgradient is -y also exactly on the margin (y s <= 1), where PyTorch's is 0."""

import numpy as np

from reference_impls.numpy.hinge import hinge_loss, multi_margin_loss, multi_margin_loss_grad  # noqa: F401 - right

EXPECTED_HINT = "exactly on the margin"


def hinge_loss_grad(scores, y):
    return np.where(y * scores <= 1, -y, 0).astype(scores.dtype) / scores.size  # the mistake: <= 1
