"""Wrong: the sigmoid focal loss modulates every element by (1 - p)^gamma with p = sigmoid(z), also for
the negatives, whose p_t is 1 - p (so their factor must be p^gamma)."""

import numpy as np

from reference_impls.numpy.focal_loss import (  # noqa: F401 - the rest is right
    _log_sigmoid,
    sigmoid_focal_loss_grad,
    softmax_focal_loss,
    softmax_focal_loss_grad,
)

EXPECTED_HINT = "p_t = p for a positive and 1 - p for a negative"


def sigmoid_focal_loss(z, y, alpha=0.25, gamma=2.0):
    p = 1 / (1 + np.exp(-z))
    ce = -(y * _log_sigmoid(z) + (1 - y) * _log_sigmoid(-z))
    loss = (1 - p) ** gamma * ce  # the mistake: (1 - p_t) ** gamma
    if alpha >= 0:
        loss = loss * (alpha * y + (1 - alpha) * (1 - y))
    return np.mean(loss)
