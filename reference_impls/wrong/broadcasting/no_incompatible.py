"""Wrong: broadcast_shape takes the max of each aligned pair and never reports incompatible shapes."""

from reference_impls.torch.broadcasting import (  # noqa: F401 - as in the reference
    batched_dot,
    outer,
    pairwise_sq_distances,
    row_normalize,
    standardize_columns,
)

EXPECTED_HINT = "incompatible shapes must give None"


def broadcast_shape(shape_a, shape_b):
    a, b = list(shape_a), list(shape_b)
    n = max(len(a), len(b))
    a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
    return tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(a, b))  # the mistake: 3 vs 4 is not an error
