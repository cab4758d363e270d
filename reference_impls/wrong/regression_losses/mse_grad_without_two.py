"""Wrong: the MSE gradient is (p - y) / n, the 2 of d/dp (p - y)^2 dropped."""

from reference_impls.numpy.regression_losses import (  # noqa: F401 - right
    huber_loss,
    huber_loss_grad,
    mae_loss,
    mae_loss_grad,
    mse_loss,
)

EXPECTED_HINT = "the factor 2 is missing"


def mse_loss_grad(pred, target):
    return (pred - target) / pred.size  # the mistake: 2 * (pred - target) / pred.size
