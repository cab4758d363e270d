"""Mixed precision: bf16 autocast forward and step on CPU (dtypes, closeness to float32), and the loss
scaler against torch.amp.GradScaler (same scales, same skipped steps, same parameters)."""

import pytest
import torch
import torch.nn.functional as F

from reference_impls.torch.amp import LossScaler, amp_train_step, autocast_forward


def _model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.GELU(), torch.nn.Linear(16, 4))


def _data(n=32, seed=1):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, generator=g), torch.randint(0, 4, (n,), generator=g)


def test_autocast_forward_is_bf16_and_close_to_float32():
    model, (x, _) = _model(), _data()
    out = autocast_forward(model, x)
    assert out.dtype == torch.bfloat16
    torch.testing.assert_close(out.float(), model(x), rtol=0.05, atol=0.02)  # bf16 keeps ~3 significant digits


def test_amp_step_keeps_float32_weights_and_gradients_and_tracks_float32_training():
    x, y = _data()
    amp_model, fp32_model = _model(), _model()
    amp_opt = torch.optim.SGD(amp_model.parameters(), lr=0.1)
    fp32_opt = torch.optim.SGD(fp32_model.parameters(), lr=0.1)
    losses = []
    for _ in range(20):
        losses.append(amp_train_step(amp_model, amp_opt, F.cross_entropy, x, y))
        fp32_opt.zero_grad()
        F.cross_entropy(fp32_model(x), y).backward()
        fp32_opt.step()
    assert all(p.dtype == torch.float32 and p.grad.dtype == torch.float32 for p in amp_model.parameters())
    assert losses[-1] < 0.9 * losses[0]
    for p, q in zip(amp_model.parameters(), fp32_model.parameters()):
        torch.testing.assert_close(p, q, rtol=0.05, atol=0.01)
        assert not torch.equal(p, q)  # bf16 matmuls really happened


def test_loss_scaler_matches_gradscaler_with_overflows():
    """Steps 3 and 7 get an inf gradient: both skip them, back off, and grow after 2 good steps."""
    x, y = _data()
    ours_model, torch_model = _model(), _model()
    ours_opt = torch.optim.SGD(ours_model.parameters(), lr=0.05, momentum=0.9)
    torch_opt = torch.optim.SGD(torch_model.parameters(), lr=0.05, momentum=0.9)
    ours = LossScaler(init_scale=1024.0, growth_interval=2)
    theirs = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=2)
    for step in range(10):
        for model, opt, scaler in ((ours_model, ours_opt, ours), (torch_model, torch_opt, theirs)):
            opt.zero_grad()
            scaler.scale(F.cross_entropy(model(x), y)).backward()
            if step in (3, 7):
                model[0].weight.grad[0, 0] = float("inf") if step == 3 else float("nan")
            if scaler is ours:
                stepped = ours.step(opt)
                assert stepped == (step not in (3, 7))
            else:
                scaler.step(opt)
            scaler.update()
        assert ours.scale_value == theirs.get_scale(), step
        for p, q in zip(ours_model.parameters(), torch_model.parameters()):
            torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-7)


def test_loss_scaler_by_hand():
    s = LossScaler(init_scale=8.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=3)
    p = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([p], lr=1.0)
    scales = []
    for grad in [1.0, 1.0, 1.0, float("inf"), 1.0]:
        p.grad = torch.full((2,), grad) * s.scale_value
        s.step(opt)
        s.update()
        scales.append(s.scale_value)
    assert scales == [8.0, 8.0, 16.0, 8.0, 8.0]
    assert p.tolist() == pytest.approx([-3.0, -3.0])  # 4 good steps of lr * 1, the inf one skipped
