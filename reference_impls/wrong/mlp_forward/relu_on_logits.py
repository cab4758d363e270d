"""Wrong: a ReLU after the last layer too, clipping negative logits to 0."""

import numpy as np

from reference_impls.numpy.mlp import count_parameters  # noqa: F401 - right

EXPECTED_HINT = "ReLU on the output layer"


def mlp_forward(x, weights, biases):
    h = x
    for W, b in zip(weights, biases):
        h = np.maximum(h @ W + b, 0)
    return h
