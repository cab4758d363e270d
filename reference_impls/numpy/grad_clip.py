"""Gradient clipping by global norm and by value, in NumPy.

    total = sqrt(sum over every gradient array of sum(g^2))          # one norm for all params
    if total > max_norm: every g *= max_norm / (total + 1e-6)        # direction kept
Clipping by value (np.clip each entry to [-v, v]) changes the direction; norm clipping is the
usual remedy for exploding gradients in RNNs (Pascanu et al. 2013, arXiv:1211.5063).

Source: torch.nn.utils.clip_grad_norm_ (same 1e-6, same returned pre-clip norm) and
clip_grad_value_. Limits: the 2-norm only; returns new arrays instead of clipping in place.
"""

import numpy as np


def clip_grad_norm(grads, max_norm):
    """Returns (clipped grads, total norm before clipping)."""
    # As torch does: the 2-norm of the per-array 2-norms is the 2-norm of all entries together.
    total = float(np.linalg.norm([np.linalg.norm(g) for g in grads]))
    scale = min(max_norm / (total + 1e-6), 1.0)
    return [g * g.dtype.type(scale) for g in grads], total


def clip_grad_value(grads, clip_value):
    return [np.clip(g, -clip_value, clip_value) for g in grads]
