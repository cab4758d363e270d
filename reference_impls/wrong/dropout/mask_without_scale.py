"""Wrong: the output is scaled by 1 / (1 - p), but the mask returned (and used by the backward) is the 0/1 keep."""

import numpy as np

from reference_impls.numpy.dropout import dropout_backward  # noqa: F401 (entry point)

EXPECTED_HINT = "the mask must carry the scale"


def dropout(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    keep = (rng.random(x.shape) >= p).astype(x.dtype)
    out = x * keep / (1 - p) if p < 1 else np.zeros_like(x)
    return out.astype(x.dtype), keep  # the mistake: keep / (1 - p)
