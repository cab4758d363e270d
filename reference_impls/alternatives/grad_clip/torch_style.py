"""Correct, as torch.nn.utils.clip_grad_norm_ computes it: the norm of the per-tensor norms (each in its
gradient's dtype), clip_coef = max_norm / (total + 1e-6) clamped to 1.0, every gradient multiplied by it."""

import numpy as np


def clip_grad_norm(grads, max_norm):
    norms = [np.linalg.norm(g.ravel()) for g in grads]
    total_norm = np.linalg.norm(np.array(norms, dtype=np.float64))
    clip_coef_clamped = min(max_norm / (total_norm + 1e-6), 1.0)
    return [g * np.asarray(clip_coef_clamped, dtype=g.dtype) for g in grads], float(total_norm)


def clip_grad_value(grads, clip_value):
    return [np.clip(g, -clip_value, clip_value) for g in grads]
