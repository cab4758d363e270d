"""Another correct solution: torch.func (functional_call + jvp of grad) for H v, a state_dict copy for restoring."""

import copy

import numpy as np
import torch
from torch.func import functional_call, grad, jvp


def _unflatten(model, vec):
    out, i = {}, 0
    for name, p in model.named_parameters():
        out[name] = vec[i : i + p.numel()].view_as(p)
        i += p.numel()
    return out


def _loss_with(model, loss_fn, vec):
    params = _unflatten(model, vec)
    return loss_fn(lambda x: functional_call(model, params, (x,)))


def loss_along_line(model, loss_fn, theta_a, theta_b, alphas):
    with torch.no_grad():
        return np.array([_loss_with(model, loss_fn, theta_a + a * (theta_b - theta_a)).item() for a in alphas])


def filter_normalize(direction, params):
    result = []
    for d, p in zip(direction, params):
        if d.ndim == 1:
            result.append(d * 0)
            continue
        d = d.clone()
        for i in range(d.shape[0]):
            dn = d[i].norm()
            d[i] = d[i] * (p[i].norm() / dn) if dn > 0 else d[i]
        result.append(d)
    return result


def loss_surface(model, loss_fn, d1, d2, alphas, betas):
    saved = copy.deepcopy(model.state_dict())
    theta = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    grid = np.zeros((len(alphas), len(betas)))
    with torch.no_grad():
        for i, a in enumerate(alphas):
            for j, b in enumerate(betas):
                grid[i, j] = _loss_with(model, loss_fn, theta + a * d1 + b * d2).item()
    model.load_state_dict(saved)
    return grid


def hessian_vector_product(model, loss_fn, v):
    theta = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    g = grad(lambda t: _loss_with(model, loss_fn, t))
    return jvp(g, (theta,), (v,))[1]


def top_hessian_eigenvalue(model, loss_fn, iters=100, seed=0):
    n = sum(p.numel() for p in model.parameters())
    torch.manual_seed(seed)
    v = torch.randn(n, dtype=torch.float64)
    v /= v.norm()
    lam = 0.0
    for _ in range(iters):
        w = hessian_vector_product(model, loss_fn, v)
        lam = torch.dot(v, w).item()
        if w.norm() == 0:  # H is zero along v
            return 0.0
        v = w / w.norm()
    return lam
