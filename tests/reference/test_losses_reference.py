"""Losses and their gradients against torch.nn.functional + torch.autograd (and torchvision's
focal-loss formula written out in torch)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.numpy import bce, hinge
from reference_impls.numpy import cross_entropy as ce
from reference_impls.numpy import focal_loss as fl
from reference_impls.numpy import regression_losses as rl

TOL = {np.float32: {"rtol": 2e-5, "atol": 1e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
DTYPES = [np.float32, np.float64]


def torch_loss_and_grad(fn, x, *rest):
    t = torch.tensor(x, requires_grad=True)
    loss = fn(t, *[torch.as_tensor(r) for r in rest])
    loss.backward()
    return loss.item(), t.grad.numpy()


def check(loss, grad, oracle, x, *rest, dtype, **kw):
    want, want_grad = torch_loss_and_grad(lambda t, *r: oracle(t, *r, **kw), x, *rest)
    np.testing.assert_allclose(loss(x, *rest, **kw), want, **TOL[dtype])
    g = grad(x, *rest, **kw)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, want_grad, **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1,), (9,), (4, 3), (2, 3, 5)])
def test_regression_losses(shape, dtype):
    rng = np.random.default_rng(0)
    p = (rng.standard_normal(shape) * 2).astype(dtype)
    y = (rng.standard_normal(shape) * 2).astype(dtype)
    check(rl.mse_loss, rl.mse_loss_grad, F.mse_loss, p, y, dtype=dtype)
    check(rl.mae_loss, rl.mae_loss_grad, F.l1_loss, p, y, dtype=dtype)
    for delta in (0.5, 1.0, 3.0):
        check(rl.huber_loss, rl.huber_loss_grad, F.huber_loss, p, y, dtype=dtype, delta=delta)


def test_regression_losses_by_hand():
    p, y = np.array([0.0, 2.0, 5.0]), np.array([1.0, 2.0, 1.0])  # d = -1, 0, 4
    assert rl.mse_loss(p, y) == pytest.approx(17 / 3)
    assert rl.mae_loss(p, y) == pytest.approx(5 / 3)
    assert rl.huber_loss(p, y, delta=1.0) == pytest.approx((0.5 + 0 + 3.5) / 3)  # 0.5*1, 1*(4-0.5)
    np.testing.assert_allclose(rl.huber_loss_grad(p, y), [-1 / 3, 0, 1 / 3])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, c", [(1, 1), (1, 5), (8, 3), (32, 10)])
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.3])
def test_cross_entropy_from_logits(n, c, eps, dtype):
    rng = np.random.default_rng(n * c)
    z = (rng.standard_normal((n, c)) * 4).astype(dtype)
    y = rng.integers(0, c, n)
    check(ce.cross_entropy, ce.cross_entropy_grad, F.cross_entropy, z, y, dtype=dtype, label_smoothing=eps)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_large_logits(dtype):
    z = np.array([[1000.0, 0.0, -1000.0], [100.0, 101.0, 99.0], [-500.0, -500.0, -500.0]], dtype=dtype)
    y = np.array([2, 0, 1])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss = ce.cross_entropy(z, y)
    assert np.isfinite(loss)
    check(ce.cross_entropy, ce.cross_entropy_grad, F.cross_entropy, z, y, dtype=dtype)


def test_cross_entropy_by_hand():
    # uniform logits over 4 classes: loss = log 4; with smoothing it is still log 4
    z = np.zeros((2, 4))
    assert ce.cross_entropy(z, np.array([0, 3])) == pytest.approx(np.log(4))
    assert ce.cross_entropy(z, np.array([0, 3]), label_smoothing=0.2) == pytest.approx(np.log(4))
    np.testing.assert_allclose(ce.smoothed_targets(np.array([1]), 4, 0.2), [[0.05, 0.85, 0.05, 0.05]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1,), (10,), (4, 5)])
def test_bce_from_probabilities_and_logits(shape, dtype):
    rng = np.random.default_rng(1)
    z = (rng.standard_normal(shape) * 3).astype(dtype)
    p = (1 / (1 + np.exp(-z))).astype(dtype)
    y_hard = rng.integers(0, 2, shape).astype(dtype)
    y_soft = rng.uniform(size=shape).astype(dtype)
    for y in (y_hard, y_soft):
        check(bce.bce, bce.bce_grad, F.binary_cross_entropy, p, y, dtype=dtype)
        check(bce.bce_with_logits, bce.bce_with_logits_grad, F.binary_cross_entropy_with_logits, z, y, dtype=dtype)


def test_bce_extremes_clamp_like_torch():
    p, y = np.array([0.0, 1.0, 1e-50]), np.array([1.0, 0.0, 1.0])
    want = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y)).item()  # logs clamped at -100
    assert bce.bce(p, y) == pytest.approx(want)
    z = np.array([800.0, -800.0, 50.0])
    with np.errstate(over="raise"):
        got = bce.bce_with_logits(z, np.array([0.0, 1.0, 1.0]))
    assert got == pytest.approx(1600 / 3, rel=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(1,), (12,), (3, 4)])
def test_binary_hinge(shape, dtype):
    rng = np.random.default_rng(2)
    s = (rng.standard_normal(shape) * 2).astype(dtype)
    y = rng.choice([-1.0, 1.0], shape).astype(dtype)
    oracle = lambda t, yy: torch.clamp(1 - yy * t, min=0).mean()
    check(hinge.hinge_loss, hinge.hinge_loss_grad, oracle, s, y, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n, c, margin", [(1, 2, 1.0), (6, 4, 1.0), (16, 10, 0.5)])
def test_multi_margin(n, c, margin, dtype):
    rng = np.random.default_rng(3)
    s = rng.standard_normal((n, c)).astype(dtype)
    y = rng.integers(0, c, n)
    check(hinge.multi_margin_loss, hinge.multi_margin_loss_grad, F.multi_margin_loss, s, y, dtype=dtype, margin=margin)


def torchvision_sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2.0):
    """torchvision.ops.sigmoid_focal_loss (v0.19), copied verbatim, reduction='mean'."""
    p = torch.sigmoid(inputs)
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    return loss.mean()


def torch_softmax_focal(logits, target, gamma=2.0):
    logp = F.log_softmax(logits, dim=1).gather(1, target[:, None])[:, 0]
    return (-((1 - logp.exp()) ** gamma) * logp).mean()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("alpha, gamma", [(0.25, 2.0), (-1, 0.0), (0.5, 1.0), (0.75, 0.5)])
def test_sigmoid_focal_loss(alpha, gamma, dtype):
    rng = np.random.default_rng(4)
    z = (rng.standard_normal((6, 5)) * 3).astype(dtype)
    y = rng.integers(0, 2, (6, 5)).astype(dtype)
    check(
        fl.sigmoid_focal_loss,
        fl.sigmoid_focal_loss_grad,
        torchvision_sigmoid_focal_loss,
        z,
        y,
        dtype=dtype,
        alpha=alpha,
        gamma=gamma,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0, 5.0])
def test_softmax_focal_loss(gamma, dtype):
    rng = np.random.default_rng(5)
    z = (rng.standard_normal((10, 4)) * 3).astype(dtype)
    y = rng.integers(0, 4, 10)
    check(fl.softmax_focal_loss, fl.softmax_focal_loss_grad, torch_softmax_focal, z, y, dtype=dtype, gamma=gamma)


def test_focal_loss_reduces_to_cross_entropy_and_downweights_easy_examples():
    z = np.array([[4.0, 0.0], [0.0, 0.2]])  # row 0 easy (p_t = 0.98), row 1 hard
    y = np.array([0, 0])
    assert fl.softmax_focal_loss(z, y, gamma=0.0) == pytest.approx(ce.cross_entropy(z, y))
    per_row = [
        fl.softmax_focal_loss(z[i : i + 1], y[i : i + 1], gamma=2.0) / ce.cross_entropy(z[i : i + 1], y[i : i + 1])
        for i in range(2)
    ]
    assert per_row[0] < 1e-3 and per_row[1] > 0.2  # (1 - p_t)^2 shrinks the easy row by far more


def test_softmax_focal_grad_finite_when_confident():
    z = np.array([[60.0, 0.0, 0.0]])
    g = fl.softmax_focal_loss_grad(z, np.array([0]), gamma=0.5)
    assert np.isfinite(g).all()
