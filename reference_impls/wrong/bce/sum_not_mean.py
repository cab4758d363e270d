"""Wrong: the loss summed over the elements instead of averaged."""

import numpy as np

from reference_impls.numpy.bce import bce_grad, bce_with_logits_grad  # noqa: F401 - right

EXPECTED_HINT = "summed instead of averaged"


def bce(p, y):
    with np.errstate(divide="ignore"):
        logp = np.maximum(np.log(p), -100)
        log1mp = np.maximum(np.log1p(-p), -100)
    return -np.sum(y * logp + (1 - y) * log1mp)  # the mistake: sum, not mean


def bce_with_logits(z, y):
    return np.sum(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))))  # the mistake: sum, not mean
