"""The training-loop reference: accumulation equals the big-batch step, clipping bounds the global norm,
the warmup + cosine LambdaLR equals torch's SequentialLR(LinearLR, CosineAnnealingLR)."""

import math

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.training import (
    accumulation_step,
    make_scheduler,
    train_step,
    warmup_cosine_factor,
)


def _model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)).double()


def _data(n, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 5, generator=g, dtype=torch.float64), torch.randint(0, 3, (n,), generator=g)


@pytest.mark.parametrize("n, micro", [(8, 2), (10, 3), (7, 7), (6, 1)])
@pytest.mark.parametrize("max_norm", [None, 0.05])
def test_accumulation_equals_the_big_batch_step(n, micro, max_norm):
    x, y = _data(n)
    big, acc = _model(), _model()
    opt_big = torch.optim.SGD(big.parameters(), lr=0.5, momentum=0.9)
    opt_acc = torch.optim.SGD(acc.parameters(), lr=0.5, momentum=0.9)
    for _ in range(3):
        loss_big = train_step(big, opt_big, F.cross_entropy, x, y, max_norm)
        loss_acc = accumulation_step(acc, opt_acc, F.cross_entropy, x, y, micro, max_norm)
        assert loss_acc == pytest.approx(loss_big, rel=1e-12)
    for p, q in zip(big.parameters(), acc.parameters()):
        torch.testing.assert_close(q, p, rtol=1e-12, atol=1e-12)


def test_uneven_micro_batches_need_size_weights_not_a_count():
    # 10 samples in 3 micro-batches (4, 3, 3): dividing each mean loss by 3 gives another gradient.
    x, y = _data(10)
    model = _model()
    model.zero_grad()
    (F.cross_entropy(model(x), y)).backward()
    want = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    for xb, yb in zip(x.tensor_split(3), y.tensor_split(3)):
        (F.cross_entropy(model(xb), yb) / 3).backward()
    assert any(not torch.allclose(p.grad, w) for p, w in zip(model.parameters(), want))


def _global_norm(model):
    return torch.norm(torch.stack([p.grad.norm() for p in model.parameters()])).item()


class _Recorder(torch.optim.SGD):
    """SGD with lr 0 that records the global gradient norm each step saw."""

    def __init__(self, model):
        super().__init__(model.parameters(), lr=0.0)
        self.model, self.norms = model, []

    def step(self, closure=None):
        self.norms.append(_global_norm(self.model))
        return super().step(closure)


@pytest.mark.parametrize("max_norm, clipped", [(1e-3, True), (1e6, False)])
def test_clipping_bounds_the_global_norm_and_leaves_small_gradients_alone(max_norm, clipped):
    x, y = _data(16)
    model = _model()
    opt = _Recorder(model)
    train_step(model, opt, F.cross_entropy, x, y, max_norm)
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    raw = _global_norm(model)
    # clip_grad_norm_ scales by max_norm / (norm + 1e-6) when that is below 1
    want = max_norm * raw / (raw + 1e-6) if clipped else raw
    assert opt.norms == [pytest.approx(want, rel=1e-9)]


@pytest.mark.parametrize(
    "warmup, total, start, min_factor", [(5, 30, 0.01, 0.0), (1, 10, 0.5, 0.1), (10, 40, 1e-3, 0.05)]
)
def test_warmup_cosine_equals_sequential_linear_then_cosine(warmup, total, start, min_factor):
    lr = 0.3
    p1, p2 = torch.nn.Parameter(torch.zeros(1)), torch.nn.Parameter(torch.zeros(1))
    opt1, opt2 = torch.optim.SGD([p1], lr=lr), torch.optim.SGD([p2], lr=lr)
    ours = make_scheduler(opt1, warmup, total, start, min_factor)
    theirs = torch.optim.lr_scheduler.SequentialLR(
        opt2,
        [
            torch.optim.lr_scheduler.LinearLR(opt2, start_factor=start, end_factor=1.0, total_iters=warmup),
            torch.optim.lr_scheduler.CosineAnnealingLR(opt2, T_max=total - warmup, eta_min=min_factor * lr),
        ],
        milestones=[warmup],
    )
    for step in range(total + 1):
        assert opt1.param_groups[0]["lr"] == pytest.approx(opt2.param_groups[0]["lr"], rel=1e-9, abs=1e-12), step
        opt1.step(), opt2.step()
        ours.step(), theirs.step()


def test_schedule_by_hand():
    assert warmup_cosine_factor(0, 4, 12, 0.0) == 0.0
    assert warmup_cosine_factor(2, 4, 12, 0.0) == 0.5
    assert warmup_cosine_factor(4, 4, 12) == 1.0
    assert warmup_cosine_factor(8, 4, 12) == pytest.approx(0.5)  # half way down the cosine
    assert warmup_cosine_factor(12, 4, 12, min_factor=0.1) == 0.1
    assert warmup_cosine_factor(50, 4, 12, min_factor=0.1) == 0.1  # stays there (CosineAnnealingLR would climb back)
    assert warmup_cosine_factor(3, 0, 10) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.3)))
