"""Wrong: row_normalize divides by the column sums (dim=0), so the columns sum to 1, not the rows."""

from reference_impls.torch.broadcasting import (  # noqa: F401 - as in the reference
    batched_dot,
    broadcast_shape,
    outer,
    pairwise_sq_distances,
    standardize_columns,
)

EXPECTED_HINT = "divided by the column sums"


def row_normalize(x):
    return x / x.sum(dim=0, keepdim=True)  # the mistake: dim=0 sums each column
