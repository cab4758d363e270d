"""Wrong: the loss is the batch mean, but the gradient is softmax - q without the 1/N of the mean."""

import numpy as np

from reference_impls.numpy.cross_entropy import cross_entropy, log_softmax, smoothed_targets  # noqa: F401 - right

EXPECTED_HINT = "its gradient is divided by N"


def cross_entropy_grad(logits, target, label_smoothing=0.0):
    q = smoothed_targets(target, logits.shape[1], label_smoothing, logits.dtype)
    return np.exp(log_softmax(logits, axis=1)) - q  # the mistake: no / N
