"""Wrong: the losses are means, but the gradients are not divided by the number of elements."""

import numpy as np

from reference_impls.numpy.activations import sigmoid
from reference_impls.numpy.bce import bce, bce_with_logits  # noqa: F401 - right

EXPECTED_HINT = "divide the gradient by p.size"


def bce_grad(p, y):
    return (p - y) / np.maximum(p * (1 - p), 1e-12)  # the mistake: no / p.size


def bce_with_logits_grad(z, y):
    return sigmoid(z) - y  # the mistake: no / z.size
