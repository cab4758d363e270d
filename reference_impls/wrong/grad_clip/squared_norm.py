"""Wrong: the total "norm" is the sum of squares, without the square root."""

import numpy as np

from reference_impls.numpy.grad_clip import clip_grad_value  # noqa: F401 - right

EXPECTED_HINT = "the 2-norm is the SQUARE ROOT"


def clip_grad_norm(grads, max_norm):
    total = sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads)  # the mistake: no sqrt
    scale = min(max_norm / (total + 1e-6), 1.0)
    return [g * g.dtype.type(scale) for g in grads], total
