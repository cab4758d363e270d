"""Wrong: the gradients taken with the residual target - pred, so each points the other way."""

import numpy as np

from reference_impls.numpy.regression_losses import huber_loss, mae_loss, mse_loss  # noqa: F401 - right

EXPECTED_HINT = "the sign is flipped"
ALSO_APPLIES = ("forward right, backward wrong",)


def mse_loss_grad(pred, target):
    return 2 * (target - pred) / pred.size  # the mistake: d = target - pred


def mae_loss_grad(pred, target):
    return np.sign(target - pred) / pred.size  # the mistake


def huber_loss_grad(pred, target, delta=1.0):
    return np.clip(target - pred, -delta, delta) / pred.size  # the mistake
