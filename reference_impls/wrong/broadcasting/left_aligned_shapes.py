"""Wrong: broadcast_shape pads the shorter shape with 1s on the RIGHT and compares from the left, so
(3,) against (2, 3) is (2, 3) only by accident and (4,) against (4, 1) looks fine."""

from reference_impls.torch.broadcasting import (  # noqa: F401 - the rest is right
    batched_dot,
    outer,
    pairwise_sq_distances,
    row_normalize,
    standardize_columns,
)

EXPECTED_HINT = "shapes aligned from the LEFT"


def broadcast_shape(shape_a, shape_b):
    a, b = tuple(shape_a), tuple(shape_b)
    n = max(len(a), len(b))
    a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))  # the mistake: pad on the left
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return tuple(out)
