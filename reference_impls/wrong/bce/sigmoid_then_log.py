"""Wrong: bce_with_logits as bce(sigmoid(z)) without the clamp: -inf / nan for large |z|."""

import numpy as np

from reference_impls.numpy.bce import bce, bce_grad, bce_with_logits_grad  # noqa: F401 - right

EXPECTED_HINT = "sigmoid then log"


def bce_with_logits(z, y):
    p = 1 / (1 + np.exp(-z))
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
