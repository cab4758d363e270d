"""Wrong: structured pruning ranks the slices by their L2 norm instead of L1."""

import torch

from reference_impls.torch.pruning import global_magnitude_masks, magnitude_mask, sparsity  # noqa: F401 - right

EXPECTED_HINT = "ranked the slices by their L2 norm"


def structured_mask(w, amount, dim=0):
    k = amount if isinstance(amount, int) else round(amount * w.shape[dim])
    other = [d for d in range(w.dim()) if d != dim]
    norms = torch.linalg.vector_norm(w, dim=other)  # the mistake: L1, w.abs().sum(dim=other)
    keep = torch.ones(w.shape[dim], dtype=w.dtype)
    if k > 0:
        keep[torch.topk(norms, k, largest=False).indices] = 0
    shape = [1] * w.dim()
    shape[dim] = -1
    return keep.view(shape).expand_as(w).clone()
