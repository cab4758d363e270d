"""Wrong: bce without PyTorch's clamp of each log at -100 (and bce_grad without the 1e-12 floor): a
probability of exactly 0 or 1 gives inf / nan instead of a finite loss."""

import numpy as np

from reference_impls.numpy.bce import bce_with_logits, bce_with_logits_grad  # noqa: F401 - right

EXPECTED_HINT = "clamp each log at -100"


def bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))  # the mistake: no clamp at -100


def bce_grad(p, y):
    return (p - y) / (p * (1 - p)) / p.size  # the mistake: no floor on the denominator
