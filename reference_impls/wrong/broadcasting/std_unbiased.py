"""Wrong: standardize_columns divides by torch.std's default, the unbiased (N - 1) estimate."""

from reference_impls.torch.broadcasting import (  # noqa: F401 - as in the reference
    batched_dot,
    broadcast_shape,
    outer,
    pairwise_sq_distances,
    row_normalize,
)

EXPECTED_HINT = "torch.std is unbiased by default"


def standardize_columns(x):
    return (x - x.mean(dim=0)) / x.std(dim=0)  # the mistake: the unbiased (N - 1) std
