"""Wrong: weights every example by alpha, positives and negatives alike."""

from reference_impls.numpy import focal_loss as _ref
from reference_impls.numpy.focal_loss import softmax_focal_loss, softmax_focal_loss_grad  # noqa: F401 - right

EXPECTED_HINT = "alpha_t is alpha for positives and 1 - alpha for NEGATIVES"


def sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0):
    return _ref.sigmoid_focal_loss(z, y, -1, gamma) * (alpha if alpha >= 0 else 1)


def sigmoid_focal_loss_grad(z, y, alpha=0.25, gamma=2.0):
    return _ref.sigmoid_focal_loss_grad(z, y, -1, gamma) * (alpha if alpha >= 0 else 1)
