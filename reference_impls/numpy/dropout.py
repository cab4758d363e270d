"""Inverted dropout (Srivastava et al. 2014, JMLR 15), forward and backward, in NumPy.

    training: keep = U(0, 1) >= p         out = x * keep / (1 - p)      # (same shape as x)
    eval:     out = x                      (no mask, no scaling)
Scaling the kept units by 1 / (1 - p) at training time keeps E[out] = x, so inference needs no
change ("inverted" dropout, as torch.nn.Dropout). Backward: dx = dout * keep / (1 - p).

The mask comes from `rng.random(x.shape) >= p`, so the same Generator state gives the same mask:
that is how the checks compare masks. PyTorch draws its own bits, so only the rule, not the mask,
can be compared with it. Limits: p in [0, 1]; p = 1 drops everything (output zeros, as PyTorch).
"""

import numpy as np


def dropout(x, p=0.5, training=True, rng=None):
    """Returns (out, mask): mask is the float keep-mask already scaled by 1 / (1 - p), or None in eval."""
    if not training:
        return x.copy(), None
    rng = rng if rng is not None else np.random.default_rng()
    keep = rng.random(x.shape) >= p  # (same shape as x), True with probability 1 - p
    if p == 1:
        return np.zeros_like(x), np.zeros_like(x)  # nothing survives (and no 1 / 0)
    mask = np.where(keep, 1.0 / (1.0 - p), 0.0).astype(x.dtype)
    return x * mask, mask


def dropout_backward(dout, mask):
    return dout.copy() if mask is None else dout * mask
