"""Optimizers against torch.optim over 20 steps, schedules against torch.optim.lr_scheduler."""

import math

import numpy as np
import pytest
import torch

from reference_impls.numpy import lr_schedules as S
from reference_impls.numpy.adam import Adam, AdamW
from reference_impls.numpy.rmsprop import RMSprop
from reference_impls.numpy.sgd import SGD

TOL = {np.float32: {"rtol": 2e-5, "atol": 2e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
STEPS = 20


def grad_fn(ps):
    """A non-quadratic loss, sum(0.5 p^2 + sin(3 p)), so trajectories depend on every step."""
    return [p + 3 * np.cos(3 * p) for p in ps]


def run_both(ours_cls, torch_cls, dtype, **kw):
    rng = np.random.default_rng(0)
    ps = [rng.standard_normal(s).astype(dtype) for s in [(3, 4), (5,), (1,)]]
    ts = [torch.tensor(p.copy(), requires_grad=True) for p in ps]
    ours, theirs = ours_cls(ps, **kw), torch_cls(ts, **kw)
    for step in range(STEPS):
        ours.step(grad_fn(ps))
        for t, g in zip(ts, grad_fn([t.detach().numpy() for t in ts])):
            t.grad = torch.tensor(g)
        theirs.step()
        for p, t in zip(ps, ts):
            assert p.dtype == dtype
            np.testing.assert_allclose(p, t.detach().numpy(), **TOL[dtype], err_msg=f"step {step + 1}")


DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kw",
    [
        {"lr": 0.05},
        {"lr": 0.05, "momentum": 0.9},
        {"lr": 0.05, "momentum": 0.9, "nesterov": True},
        {"lr": 0.02, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1},
    ],
)
def test_sgd(kw, dtype):
    run_both(SGD, torch.optim.SGD, dtype, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kw",
    [{"lr": 0.01}, {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}, {"lr": 0.01, "momentum": 0.5, "centered": True}],
)
def test_rmsprop(kw, dtype):
    run_both(RMSprop, torch.optim.RMSprop, dtype, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kw", [{"lr": 0.1}, {"lr": 0.05, "betas": (0.8, 0.9), "eps": 1e-6}, {"lr": 0.1, "weight_decay": 0.1}]
)
def test_adam(kw, dtype):
    run_both(Adam, torch.optim.Adam, dtype, **kw)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{"lr": 0.1}, {"lr": 0.1, "weight_decay": 0.5}, {"lr": 0.01, "betas": (0.5, 0.6)}])
def test_adamw(kw, dtype):
    run_both(AdamW, torch.optim.AdamW, dtype, **kw)


def test_adam_first_step_by_hand():
    # with bias correction the first step is lr * g / (|g| + eps): lr * sign(g) while eps << |g|
    p = np.array([1.0, 1.0, 1.0])
    Adam([p], lr=0.1).step([np.array([1e-3, -5.0, 200.0])])
    np.testing.assert_allclose(p, [0.9, 1.1, 0.9], rtol=1e-5)  # eps = 1e-8 against |g| = 1e-3


def test_adamw_differs_from_adam_with_l2():
    p1, p2 = np.ones(3), np.ones(3)
    Adam([p1], lr=0.1, weight_decay=0.5).step([np.zeros(3)])
    AdamW([p2], lr=0.1, weight_decay=0.5).step([np.zeros(3)])
    np.testing.assert_allclose(p1, 0.9, rtol=1e-6)  # L2 gradient 0.5 normalised to a full lr step
    np.testing.assert_allclose(p2, 0.95)  # decoupled: 1 * (1 - 0.1 * 0.5)


def torch_lrs(make_scheduler, epochs, base_lr=0.1):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    sched = make_scheduler(opt)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


@pytest.mark.parametrize("T_0, T_mult, eta_min", [(5, 1, 0.0), (3, 2, 0.001), (1, 3, 0.0), (10, 1, 0.05)])
def test_cosine_warm_restarts(T_0, T_mult, eta_min):
    sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts
    want = torch_lrs(lambda o: sched(o, T_0=T_0, T_mult=T_mult, eta_min=eta_min), 40)
    got = [S.cosine_warm_restarts_lr(e, 0.1, T_0, T_mult, eta_min) for e in range(40)]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


def test_cosine_warm_restarts_by_hand():
    lrs = [S.cosine_warm_restarts_lr(e, 1.0, T_0=2, T_mult=2) for e in range(8)]
    # cycles of 2, 4, 8 epochs: restarts at epochs 0, 2, 6
    np.testing.assert_allclose(
        lrs,
        [
            1,
            0.5,
            1,
            0.5 + 0.5 * math.cos(math.pi / 4),
            0.5,
            0.5 - 0.5 * math.cos(math.pi / 4),
            1,
            0.5 + 0.5 * math.cos(math.pi / 8),
        ],
        atol=1e-12,
    )


@pytest.mark.parametrize("step_size, gamma", [(1, 0.5), (3, 0.1), (7, 0.9)])
def test_step_decay(step_size, gamma):
    want = torch_lrs(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size, gamma), 25)
    np.testing.assert_allclose([S.step_decay_lr(e, 0.1, step_size, gamma) for e in range(25)], want, rtol=1e-9)


@pytest.mark.parametrize("total, power", [(5, 1.0), (10, 2.0), (4, 0.5)])
def test_polynomial_decay(total, power):
    want = torch_lrs(lambda o: torch.optim.lr_scheduler.PolynomialLR(o, total, power), 15)
    np.testing.assert_allclose(
        [S.polynomial_decay_lr(e, 0.1, total, power) for e in range(15)], want, rtol=1e-9, atol=1e-15
    )


def test_warmup_cosine_shape():
    lrs = [S.warmup_cosine_lr(s, 1.0, 10, 110) for s in range(120)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert lrs[60] == pytest.approx(0.5) and lrs[110] == pytest.approx(0.0) and lrs[119] == pytest.approx(0.0)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:]))
