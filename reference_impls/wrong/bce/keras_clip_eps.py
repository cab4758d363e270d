"""Wrong: p clipped to [1e-7, 1 - 1e-7] before the logs (Keras' epsilon) instead of clamping each log at -100."""

import numpy as np

from reference_impls.numpy.bce import bce_grad, bce_with_logits, bce_with_logits_grad  # noqa: F401 - right

EXPECTED_HINT = "clipping p to [eps, 1 - eps]"


def bce(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)  # the mistake: the clip bounds the log at log(1e-7) = -16.1, not -100
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
