"""Wrong: gradients of the mean losses without the 1 / n."""

import numpy as np

from reference_impls.numpy.regression_losses import huber_loss, mae_loss, mse_loss  # noqa: F401 - right

EXPECTED_HINT = "the gradient of a mean divides by the number of elements"


def mse_loss_grad(pred, target):
    return 2 * (pred - target)


def mae_loss_grad(pred, target):
    return np.sign(pred - target)


def huber_loss_grad(pred, target, delta=1.0):
    return np.clip(pred - target, -delta, delta)
