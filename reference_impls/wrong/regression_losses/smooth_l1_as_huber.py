"""Wrong: torch's SmoothL1Loss formula (0.5 d^2 / delta inside, |d| - 0.5 delta outside) used as the Huber loss:
the two agree only at delta = 1."""

import numpy as np

from reference_impls.numpy.regression_losses import (  # noqa: F401 - right
    mae_loss,
    mae_loss_grad,
    mse_loss,
    mse_loss_grad,
)

EXPECTED_HINT = "SmoothL1Loss's formula is not the Huber loss"


def huber_loss(pred, target, delta=1.0):
    d = np.abs(pred - target)
    return np.mean(np.where(d < delta, 0.5 * d**2 / delta, d - 0.5 * delta))  # the mistake: smooth L1


def huber_loss_grad(pred, target, delta=1.0):
    d = pred - target
    return np.where(np.abs(d) < delta, d / delta, np.sign(d)) / pred.size  # the mistake: smooth L1's gradient
