"""Contrastive losses against torch: NT-Xent as F.cross_entropy over masked cosine similarities
(SimCLR's formulation), nn.TripletMarginLoss, and the pair loss; gradients by autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import contrastive as cl

TOL = {np.float32: {"rtol": 2e-5, "atol": 1e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}


def torch_nt_xent(z1, z2, temperature):
    z = F.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / temperature
    sim = sim.masked_fill(torch.eye(len(z), dtype=torch.bool), float("-inf"))
    n = len(z1)
    labels = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(sim, labels)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, d, temperature", [(4, 8, 0.5), (1, 3, 0.1), (16, 5, 0.07), (6, 2, 1.0)])
def test_nt_xent_matches_torch(n, d, temperature, dtype):
    rng = np.random.default_rng(n * 100 + d)
    z1 = (rng.standard_normal((n, d)) * 3).astype(dtype)
    z2 = (z1 + rng.standard_normal((n, d))).astype(dtype)
    t1, t2 = torch.tensor(z1, requires_grad=True), torch.tensor(z2, requires_grad=True)
    loss = torch_nt_xent(t1, t2, temperature)
    loss.backward()
    ours = cl.nt_xent_loss(z1, z2, temperature)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, loss.item(), **TOL[dtype])
    g1, g2 = cl.nt_xent_grad(z1, z2, temperature)
    assert g1.dtype == dtype
    np.testing.assert_allclose(g1, t1.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(g2, t2.grad.numpy(), **TOL[dtype])


def test_nt_xent_of_identical_views_far_apart_is_near_its_minimum():
    z = np.eye(4) * 5.0  # orthogonal examples, each view equal to the other: only the positive scores 1
    assert cl.nt_xent_loss(z, z.copy(), 0.05) < 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("margin", [1.0, 0.3, 5.0])
def test_triplet_matches_torch(margin, dtype):
    rng = np.random.default_rng(int(margin * 10))
    a, p, n = (rng.standard_normal((3, 10, 6)) * [[[1.0]], [[1.0]], [[1.5]]]).astype(dtype)
    p = (a + 0.5 * p).astype(dtype)
    ta, tp, tn = (torch.tensor(v, requires_grad=True) for v in (a, p, n))
    loss = torch.nn.TripletMarginLoss(margin=margin)(ta, tp, tn)
    loss.backward()
    ours = cl.triplet_margin_loss(a, p, n, margin)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, loss.item(), **TOL[dtype])
    for g, t in zip(cl.triplet_margin_grad(a, p, n, margin), (ta, tp, tn)):
        assert g.dtype == dtype
        np.testing.assert_allclose(g, t.grad.numpy(), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_pair_loss_matches_torch(dtype):
    rng = np.random.default_rng(5)
    x1, x2 = rng.standard_normal((2, 12, 4)).astype(dtype)
    same = (rng.random(12) < 0.5).astype(np.int64)
    t1, t2 = torch.tensor(x1), torch.tensor(x2)
    d = torch.linalg.vector_norm(t1 - t2, dim=1)
    s = torch.tensor(same, dtype=t1.dtype)
    want = (0.5 * (s * d**2 + (1 - s) * torch.clamp(1.5 - d, min=0) ** 2)).mean()
    np.testing.assert_allclose(cl.pair_contrastive_loss(x1, x2, same, 1.5), want.item(), **TOL[dtype])
