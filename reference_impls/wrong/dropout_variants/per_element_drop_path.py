"""Wrong: DropPath draws a keep per element (that is dropout), not one per example."""

from reference_impls.numpy.dropout_variants import *  # the rest is right

EXPECTED_HINT = "one keep draw per EXAMPLE"


def drop_path(x, p=0.0, training=True, rng=None):
    if not training or p == 0:
        return x.copy(), None
    scale = x.dtype.type(0.0 if p == 1 else 1 / (1 - p))
    mask = (rng.random(x.shape) >= p).astype(x.dtype) * scale
    return x * mask, mask
