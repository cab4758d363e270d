"""Wrong: H v read from p.grad after backward(), never zeroed, so each product adds the previous ones."""

import torch

from reference_impls.torch.loss_landscape import (  # noqa: F401
    filter_normalize,
    loss_along_line,
    loss_surface,
    top_hessian_eigenvalue,
)

EXPECTED_HINT = "H v accumulated across calls in p.grad"


def hessian_vector_product(model, loss_fn, v):
    params = list(model.parameters())
    grads = torch.autograd.grad(loss_fn(model), params, create_graph=True)
    g = torch.cat([x.reshape(-1) for x in grads])
    (g @ v).backward()  # the mistake: into p.grad, which is never zeroed between calls
    return torch.cat([p.grad.reshape(-1) for p in params]).detach().clone()
