"""Wrong: always scales by max_norm / total, so gradients smaller than max_norm are blown up to it."""

import numpy as np

from reference_impls.numpy.grad_clip import clip_grad_value  # noqa: F401 - right

EXPECTED_HINT = "only clip when the norm exceeds max_norm"


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
    scale = max_norm / (total + 1e-6)  # the mistake: min(..., 1.0)
    return [g * g.dtype.type(scale) for g in grads], total
