"""Correct, the common tutorial form: clip only `if total > max_norm` (else return copies), the norm
accumulated in float64, the scale cast to each array's dtype."""

import numpy as np


def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum((g.astype(np.float64) ** 2).sum() for g in grads))
    if total > max_norm:
        return [g * g.dtype.type(max_norm / (total + 1e-6)) for g in grads], float(total)
    return [g.copy() for g in grads], float(total)


def clip_grad_value(grads, clip_value):
    return [np.minimum(np.maximum(g, -clip_value), clip_value) for g in grads]
