"""Checkpoint and resume: a run interrupted, saved, restored into fresh objects and continued equals the
uninterrupted run bit for bit (dropout, torch / NumPy / Python RNGs, AdamW, a LambdaLR schedule)."""

import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.checkpoint import load_checkpoint, save_checkpoint

X = torch.randn(64, 6, generator=torch.Generator().manual_seed(0))
Y = torch.randint(0, 3, (64,), generator=torch.Generator().manual_seed(1))


def _build(seed):
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Dropout(0.3), torch.nn.Linear(16, 3))
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.9**s)
    return model, opt, sched


def _train(model, opt, sched, start, stop):
    for _ in range(start, stop):
        idx = torch.as_tensor(np.random.randint(0, 64, 8))  # NumPy picks the batch
        noise = random.gauss(0, 0.01)  # Python's random adds label-free jitter
        loss = F.cross_entropy(model(X[idx] + noise), Y[idx])  # torch's RNG drops units
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()


def _seed_all(seed):
    torch.manual_seed(seed), np.random.seed(seed), random.seed(seed)


@pytest.mark.parametrize("interrupt_at", [0, 3, 7])
def test_resume_equals_the_uninterrupted_run_bit_for_bit(tmp_path, interrupt_at):
    model, opt, sched = _build(0)
    _seed_all(1)
    _train(model, opt, sched, 0, 10)

    first, opt1, sched1 = _build(0)
    _seed_all(1)
    _train(first, opt1, sched1, 0, interrupt_at)
    save_checkpoint(tmp_path / "ckpt.pt", first, opt1, sched1, interrupt_at)
    resumed, opt2, sched2 = _build(99)  # another process: other weights, other RNG states
    _seed_all(123)
    step = load_checkpoint(tmp_path / "ckpt.pt", resumed, opt2, sched2)
    assert step == interrupt_at
    _train(resumed, opt2, sched2, step, 10)
    for p, q in zip(model.parameters(), resumed.parameters()):
        assert torch.equal(p, q)
    assert opt.param_groups[0]["lr"] == opt2.param_groups[0]["lr"]


def test_without_the_rng_states_the_runs_differ(tmp_path):
    """The test above is sensitive: restoring everything but the RNGs changes the result."""
    model, opt, sched = _build(0)
    _seed_all(1)
    _train(model, opt, sched, 0, 6)
    first, opt1, sched1 = _build(0)
    _seed_all(1)
    _train(first, opt1, sched1, 0, 3)
    save_checkpoint(tmp_path / "ckpt.pt", first, opt1, sched1, 3)
    state = {"model": first.state_dict(), "opt": opt1.state_dict(), "sched": sched1.state_dict()}
    resumed, opt2, sched2 = _build(5)
    resumed.load_state_dict(state["model"]), opt2.load_state_dict(state["opt"]), sched2.load_state_dict(state["sched"])
    _seed_all(7)
    _train(resumed, opt2, sched2, 3, 6)
    assert not all(torch.equal(p, q) for p, q in zip(model.parameters(), resumed.parameters()))


def test_the_file_loads_with_weights_only(tmp_path):
    model, opt, sched = _build(0)
    save_checkpoint(tmp_path / "c.pt", model, opt, sched, 5)
    ckpt = torch.load(tmp_path / "c.pt", weights_only=True)  # no arbitrary pickles inside
    assert set(ckpt) == {"model", "optimizer", "scheduler", "step", "rng"} and ckpt["step"] == 5
