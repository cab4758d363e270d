"""Wrong: normalizes the direction per layer (the whole tensor), not per filter as Li et al. do."""

import torch

from reference_impls.torch.loss_landscape import (  # noqa: F401
    hessian_vector_product,
    loss_along_line,
    loss_surface,
    top_hessian_eigenvalue,
)

EXPECTED_HINT = "the direction was rescaled layer by layer"


def filter_normalize(direction, params):
    out = []
    for d, p in zip(direction, params):
        if d.dim() <= 1:
            out.append(torch.zeros_like(d))
        else:
            out.append(d * p.norm() / d.norm())  # the mistake: one scale for the whole layer
    return out
