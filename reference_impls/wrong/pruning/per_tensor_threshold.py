"""Wrong: "global" pruning that prunes each tensor by its own fraction, one threshold per tensor."""

from reference_impls.torch.pruning import magnitude_mask, sparsity, structured_mask  # noqa: F401 - right

EXPECTED_HINT = "pruned each tensor on its own"


def global_magnitude_masks(weights, amount):
    return [magnitude_mask(w, amount) for w in weights]  # the mistake: rank all weights together
