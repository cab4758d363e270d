"""The facts the exercise texts state hold for the references and for torch."""

from __future__ import annotations

import numpy as np
import torch

from reference_impls.exercises import adam, ddim, int8_quant, lora


def test_adam_first_step_is_lr_g_over_abs_g_plus_eps():
    g = np.array([0.3, -2.0, 1e-3])
    p = torch.ones(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1, eps=0.5)
    p.grad = torch.from_numpy(g.copy())
    opt.step()
    step = 1 - p.detach().numpy()
    np.testing.assert_allclose(step, 0.1 * g / (np.abs(g) + 0.5), rtol=1e-6)
    assert not np.allclose(step, 0.1 * np.sign(g))  # sign(g) only as eps -> 0
    assert "lr * g / (|g| + eps): lr * sign(g) only as\neps -> 0" in adam.EXERCISE.task


def test_int8_symmetric_equals_minmax_observer_only_with_a_127_range():
    from torch.ao.quantization.observer import MinMaxObserver

    from reference_impls.torch.quantize import quantize_symmetric

    x = torch.randn(6, 16, generator=torch.Generator().manual_seed(0))
    _, scale = quantize_symmetric(x)

    def observed(**range_):
        observer = MinMaxObserver(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric, **range_)
        observer(x)
        return observer.calculate_qparams()[0]

    torch.testing.assert_close(observed(quant_min=-127, quant_max=127).reshape(()), scale)
    torch.testing.assert_close(observed().reshape(()), x.abs().max() / 127.5)
    assert "quant_min=-127, quant_max=127" in int8_quant.EXERCISE.task and "127.5" in int8_quant.EXERCISE.task


def test_ddim_schedule_starts_at_n_minus_1_times_t_over_n():
    from reference_impls.torch.ddim import ddim_timesteps

    assert ddim_timesteps(1000, 50)[0] == 49 * 20 == 980
    assert ddim_timesteps(7, 3).tolist() == [4, 2, 0]
    assert "(num_steps - 1) * (T // num_steps)" in ddim_timesteps.__doc__
    assert all("T - 1" not in probe.hint for probe in ddim.EXERCISE.probes)


def test_lora_reference_bias_starts_at_zero_as_the_task_says():
    from reference_impls.torch.lora import LoRALinear

    layer = LoRALinear(6, 4, r=2)
    assert torch.equal(layer.bias, torch.zeros(4)) and not layer.bias.requires_grad
    assert torch.equal(layer.lora_B, torch.zeros(4, 2))
    assert "bias to zeros" in lora.EXERCISE.task
