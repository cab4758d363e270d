"""Wrong: the softmax focal loss modulates by p_t^gamma instead of (1 - p_t)^gamma: it down-weights the
HARD examples, the opposite of the point."""

import numpy as np

from reference_impls.numpy.focal_loss import (  # noqa: F401 - the rest is right
    log_softmax,
    sigmoid_focal_loss,
    sigmoid_focal_loss_grad,
    softmax_focal_loss_grad,
)

EXPECTED_HINT = "(1 - p_t)^gamma"


def softmax_focal_loss(logits, target, gamma=2.0):
    log_pt = log_softmax(logits, axis=1)[np.arange(logits.shape[0]), target]
    return np.mean(-(np.exp(log_pt) ** gamma) * log_pt)  # the mistake: (1 - p_t) ** gamma
