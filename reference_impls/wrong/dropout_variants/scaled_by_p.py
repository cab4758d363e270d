"""Wrong: survivors scaled by 1 / p (the drop probability) instead of 1 / (1 - p)."""

from reference_impls.numpy.dropout_variants import *  # the rest is right

EXPECTED_HINT = "scaled by 1/p instead of 1/(1-p)"


def dropconnect_linear(x, W, b, p=0.5, training=True, rng=None):
    if not training or p == 0:
        return x @ W + b, None
    mask = (rng.random(W.shape) >= p).astype(W.dtype) / W.dtype.type(p)
    return x @ (W * mask) + b, mask


def drop_path(x, p=0.0, training=True, rng=None):
    if not training or p == 0:
        return x.copy(), None
    keep = (rng.random(x.shape[0]) >= p).reshape((-1,) + (1,) * (x.ndim - 1))
    mask = keep.astype(x.dtype) / x.dtype.type(p)
    return x * mask, mask
