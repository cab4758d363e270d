"""Wrong: Euclidean distances (torch.cdist) where the task asks for the squared ones."""

import torch

from reference_impls.torch.broadcasting import (  # noqa: F401 - as in the reference
    batched_dot,
    broadcast_shape,
    outer,
    row_normalize,
    standardize_columns,
)

EXPECTED_HINT = "not the SQUARED distances"


def pairwise_sq_distances(a, b):
    return torch.cdist(a, b)  # the mistake: |a_i - b_j|, not squared
