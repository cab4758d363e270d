"""Wrong for this API (right in TensorFlow's): clip_by_global_norm's scale max_norm / max(total, max_norm),
without PyTorch's + 1e-6 in the denominator."""

import numpy as np

from reference_impls.numpy.grad_clip import clip_grad_value  # noqa: F401 (entry point)

EXPECTED_HINT = "without the 1e-6"


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)))
    scale = max_norm / max(total, max_norm)  # the mistake: min(max_norm / (total + 1e-6), 1)
    return [(g * scale).astype(g.dtype) for g in grads], total
