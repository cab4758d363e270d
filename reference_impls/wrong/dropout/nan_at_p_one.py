"""Wrong: p == 1 not special-cased, so keep / (1 - p) is 0 / 0 = nan."""

import numpy as np

from reference_impls.numpy.dropout import dropout_backward  # noqa: F401 (entry point)

EXPECTED_HINT = "p = 1 drops every unit"


def dropout(x, p=0.5, training=True, rng=None):
    if not training:
        return x.copy(), None
    with np.errstate(divide="ignore", invalid="ignore"):
        mask = ((rng.random(x.shape) >= p) / (1 - p)).astype(x.dtype)  # the mistake: nan when p == 1
    return x * mask, mask
