"""Wrong: a ReLU after the last layer too, so negative logits are clipped to 0."""

import numpy as np

from reference_impls.numpy.digits_mlp import backward, train  # noqa: F401

EXPECTED_HINT = "ReLU was applied to the logits"


def forward(params, X):
    A = X
    for W, b in params:
        A = np.maximum(A @ W + b, 0)  # the mistake: the logits go through the ReLU as well
    return A
