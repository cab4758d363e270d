"""Loss-landscape tools: 1-D interpolation, filter-normalized directions, a 2-D surface, the Hessian's top eigenvalue.

Module 0.9's exercise 2 and capstone step 1:

- `loss_along_line`: L((1 - a) theta_a + a theta_b) for each a (Goodfellow et al. 2015's linear
  interpolation between two solutions), leaving the model's parameters as they were.
- `filter_normalize`: Li et al. 2018 ("Visualizing the loss landscape of neural nets"): a random
  direction d, rescaled filter by filter (a Linear weight's row, a Conv weight's output channel) to the
  norm of the same filter of theta, so that plots of nets at different scales compare; 1-D parameters
  (biases, norm layers) get d = 0.
- `loss_surface`: L(theta + a d1 + b d2) on a grid.
- `hessian_vector_product`: H v by double backpropagation (Pearlmutter 1994): the gradient of
  g(theta) . v, with g built with create_graph=True; the Hessian itself is never formed.
- `top_hessian_eigenvalue`: power iteration on v -> H v / |H v|; the Rayleigh quotient v . H v
  converges to the eigenvalue of largest magnitude (the sharpness of Keskar et al. 2017).

The loss is `loss_fn(model)`, a scalar tensor on fixed data; parameters are taken in
model.parameters() order and flattened as torch.nn.utils.parameters_to_vector does.
tests/reference/test_loss_landscape.py checks these against torch.autograd.functional.hessian and
numpy.linalg.eigvalsh. Limits: power iteration needs a gap between the top two |eigenvalues|.
"""

import numpy as np
import torch
from torch.nn.utils import parameters_to_vector, vector_to_parameters


def _loss_at(model, loss_fn, theta):
    saved = parameters_to_vector(model.parameters()).detach().clone()
    with torch.no_grad():
        vector_to_parameters(theta, model.parameters())
        loss = loss_fn(model).item()
        vector_to_parameters(saved, model.parameters())
    return loss


def loss_along_line(model, loss_fn, theta_a, theta_b, alphas):
    """(len(alphas),) float64: the loss at (1 - a) theta_a + a theta_b; the model's parameters are restored."""
    return np.array([_loss_at(model, loss_fn, (1 - a) * theta_a + a * theta_b) for a in alphas], dtype=np.float64)


def filter_normalize(direction, params):
    """[d_i]: each filter (row of dim 0) of d rescaled to the norm of the same filter of theta; 1-D tensors zeroed."""
    out = []
    for d, p in zip(direction, params):
        if d.dim() <= 1:
            out.append(torch.zeros_like(d))
            continue
        d_norm = d.flatten(1).norm(dim=1)
        p_norm = p.detach().flatten(1).norm(dim=1)
        scale = torch.where(d_norm > 0, p_norm / d_norm.clamp_min(torch.finfo(d.dtype).tiny), torch.zeros_like(d_norm))
        out.append(d * scale.view(-1, *([1] * (d.dim() - 1))))
    return out


def loss_surface(model, loss_fn, d1, d2, alphas, betas):
    """(len(alphas), len(betas)) float64: the loss at theta + a d1 + b d2 (d1, d2 flat vectors)."""
    theta = parameters_to_vector(model.parameters()).detach().clone()
    return np.array([[_loss_at(model, loss_fn, theta + a * d1 + b * d2) for b in betas] for a in alphas])


def hessian_vector_product(model, loss_fn, v):
    """H v, a flat tensor like v: the gradient of (grad L . v), by double backpropagation."""
    params = [p for p in model.parameters()]
    grads = torch.autograd.grad(loss_fn(model), params, create_graph=True)
    g = torch.cat([x.reshape(-1) for x in grads])
    hv = torch.autograd.grad(g @ v, params)
    return torch.cat([x.reshape(-1) for x in hv]).detach()


def top_hessian_eigenvalue(model, loss_fn, iters=100, seed=0):
    """The Hessian's eigenvalue of largest magnitude, by `iters` steps of power iteration from a seeded random v."""
    n = sum(p.numel() for p in model.parameters())
    dtype = next(model.parameters()).dtype
    v = torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    v = v / v.norm()
    eigenvalue = 0.0
    for _ in range(iters):
        hv = hessian_vector_product(model, loss_fn, v)
        eigenvalue = float(v @ hv)
        norm = hv.norm()
        if norm == 0:
            return 0.0
        v = hv / norm
    return eigenvalue
