"""Wrong: counts model.parameters(), which for a layer pruned with torch.nn.utils.prune is the dense weight_orig."""

from reference_impls.torch.digits_compression import (  # noqa: F401
    compare_variants,
    distill,
    evaluate,
    iterative_prune,
    magnitude_prune,
    train_classifier,
)

EXPECTED_HINT = "weight_orig was counted"
ALSO_APPLIES = ("the zeros were counted as parameters",)


def count_parameters(model):
    params = list(model.parameters())  # the mistake: weight_orig, not the masked weight the forward pass uses
    return sum(p.numel() for p in params), sum(int(p.count_nonzero()) for p in params)
