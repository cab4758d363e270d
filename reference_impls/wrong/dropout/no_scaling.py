"""Wrong: zeroes units but does not scale the survivors by 1 / (1 - p)."""

from reference_impls.numpy.dropout import dropout_backward  # noqa: F401 - right

EXPECTED_HINT = "no inverted scaling"


def dropout(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    keep = (rng.random(x.shape) >= p).astype(x.dtype)
    return x * keep, keep
