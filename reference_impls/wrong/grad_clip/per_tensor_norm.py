"""Wrong: clips each gradient array by its own norm."""

import numpy as np

from reference_impls.numpy.grad_clip import clip_grad_value  # noqa: F401 - right

EXPECTED_HINT = "one global norm over ALL the gradients"


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads)))
    out = [g * g.dtype.type(min(max_norm / (float(np.linalg.norm(g)) + 1e-6), 1.0)) for g in grads]
    return out, total
