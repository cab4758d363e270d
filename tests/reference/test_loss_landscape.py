"""The loss-landscape reference against torch.autograd.functional.hessian, numpy.linalg.eigvalsh and plain loops."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from reference_impls.torch import loss_landscape as ll


def _net_and_hessian(seed):
    """A float64 2-4-1 tanh net, its loss_fn, and the full Hessian computed from a flat parameter vector."""
    g = torch.Generator().manual_seed(seed)
    X, y = torch.randn(16, 2, generator=g, dtype=torch.float64), torch.randn(16, 1, generator=g, dtype=torch.float64)
    model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)).double()

    def loss_fn(m):
        return ((m(X) - y) ** 2).mean()

    def loss_of(theta):
        W1, b1, W2, b2 = torch.split(theta, [8, 4, 4, 1])
        h = torch.tanh(X @ W1.view(4, 2).T + b1)
        return ((h @ W2.view(1, 4).T + b2 - y) ** 2).mean()

    theta = torch.nn.utils.parameters_to_vector(model.parameters()).detach()
    return model, loss_fn, torch.autograd.functional.hessian(loss_of, theta)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hvp_and_top_eigenvalue_against_the_full_hessian(seed):
    model, loss_fn, H = _net_and_hessian(seed)
    v = torch.randn(H.shape[0], dtype=torch.float64)
    torch.testing.assert_close(ll.hessian_vector_product(model, loss_fn, v), H @ v)
    eig = np.linalg.eigvalsh(H.numpy())
    top = eig[np.argmax(np.abs(eig))]
    assert ll.top_hessian_eigenvalue(model, loss_fn, iters=500) == pytest.approx(top, rel=1e-6)


def test_line_and_surface_equal_direct_evaluation():
    model, loss_fn, _ = _net_and_hessian(3)
    theta = torch.nn.utils.parameters_to_vector(model.parameters()).detach().clone()
    other = torch.randn_like(theta)
    d1, d2 = torch.randn_like(theta), torch.randn_like(theta)

    def direct(vec):
        clone = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1)).double()
        torch.nn.utils.vector_to_parameters(vec, clone.parameters())
        return loss_fn(clone).item()

    alphas = [0.0, 0.5, 1.0, 2.0]
    np.testing.assert_allclose(
        ll.loss_along_line(model, loss_fn, theta, other, alphas), [direct((1 - a) * theta + a * other) for a in alphas]
    )
    surface = ll.loss_surface(model, loss_fn, d1, d2, [-1.0, 1.0], [0.0, 0.5])
    np.testing.assert_allclose(surface, [[direct(theta + a * d1 + b * d2) for b in (0.0, 0.5)] for a in (-1.0, 1.0)])
    assert torch.equal(torch.nn.utils.parameters_to_vector(model.parameters()), theta)


def test_filter_normalize_matches_li_et_al():
    conv = nn.Conv2d(3, 5, 3).double()
    d = [torch.randn_like(p) for p in conv.parameters()]
    w, b = ll.filter_normalize(d, list(conv.parameters()))
    for i in range(5):
        assert w[i].norm().item() == pytest.approx(conv.weight[i].norm().item())
        cos = torch.nn.functional.cosine_similarity(w[i].flatten(), d[0][i].flatten(), dim=0)
        assert cos.item() == pytest.approx(1.0)
    assert torch.count_nonzero(b) == 0
