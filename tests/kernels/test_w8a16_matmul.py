"""kernels.w8a16_matmul against x @ (w_q * scales).T in float64, and its per-channel quantizer."""

from __future__ import annotations

import pytest
import torch

from kernels.w8a16_matmul import quantize_weight_per_channel, w8a16_matmul
from reference_impls.torch.quantize import quantize_symmetric
from tests.kernels.random_inputs import DEVICE, randn

TOLERANCES = {
    torch.float32: {"rtol": 1e-4, "atol": 1e-4},
    torch.float16: {"rtol": 2e-3, "atol": 2e-3},
    torch.bfloat16: {"rtol": 1.6e-2, "atol": 1e-2},
}


def reference(x: torch.Tensor, w_q: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    w = w_q.double() * scales.double()[:, None]
    return (x.double() @ w.T).to(x.dtype)


def test_quantize_weight_per_channel():
    w = randn(6, 50, seed=0)
    w[2] = 0.0  # an all-zero row keeps scale 1
    w[4, 7] = 40.0  # an outlier stretches only its own row's scale
    w_q, scales = quantize_weight_per_channel(w)
    assert w_q.dtype == torch.int8 and scales.shape == (6,) and scales[2] == 1 and (w_q[2] == 0).all()
    assert w_q.abs().max() == 127 and w_q[4, 7] == 127
    absmax = w.abs().amax(dim=1)
    torch.testing.assert_close(scales, torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax)))
    assert ((w_q.float() * scales[:, None] - w).abs() <= scales[:, None] / 2 + 1e-6).all()
    q_ref, s_ref = quantize_symmetric(w.cpu(), axis=0)  # the reference_impls quantizer, per output channel
    assert torch.equal(w_q.cpu(), q_ref) and torch.equal(scales.cpu(), s_ref.flatten())


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16])
@pytest.mark.parametrize("M, K, N", [(1, 1, 1), (1, 100, 33), (3, 5, 7), (40, 70, 45)])
def test_matches_dequantized_matmul(M, K, N, dtype):
    x = randn(M, K, seed=M + K, dtype=dtype)
    w_q, scales = quantize_weight_per_channel(randn(N, K, seed=N, scale=0.1))
    y = w8a16_matmul(x, w_q, scales)
    assert y.shape == (M, N) and y.dtype == dtype and y.device == x.device
    torch.testing.assert_close(y, reference(x, w_q, scales), **TOLERANCES[dtype])


def test_negative_codes_fp16_scales_and_strided_x():
    x = randn(30, 20, seed=1).t()  # (20, 30), column-major
    w_q = torch.full((9, 30), -128, dtype=torch.int8, device=DEVICE)  # the code symmetric quantization never uses
    w_q[::2] = 127
    scales = randn(9, seed=2, dtype=torch.float16).abs() + 0.01
    torch.testing.assert_close(w8a16_matmul(x, w_q, scales), reference(x, w_q, scales), **TOLERANCES[torch.float32])


def test_close_to_the_float_matmul():
    """Quantization error, not a kernel error: the int8 weights give nearly the fp32 answer."""
    x, w = randn(8, 64, seed=3), randn(16, 64, seed=4)
    y = w8a16_matmul(x, *quantize_weight_per_channel(w))
    assert (y - x @ w.T).abs().max() < 0.05 * (x @ w.T).abs().max()


def test_bad_inputs_are_refused():
    x = torch.zeros(4, 8, device=DEVICE)
    w_q = torch.zeros(5, 8, dtype=torch.int8, device=DEVICE)
    with pytest.raises(ValueError, match=r"x \(4, 8\) and w_q \(5, 7\) must share K"):
        w8a16_matmul(x, w_q[:, :7], torch.ones(5, device=DEVICE))
    with pytest.raises(ValueError, match=r"scales must have shape \(5,\)"):
        w8a16_matmul(x, w_q, torch.ones(4, device=DEVICE))
    with pytest.raises(ValueError, match="w_q has dtype float32"):
        w8a16_matmul(x, w_q.float(), torch.ones(5, device=DEVICE))


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("M, K, N", [(1, 4096, 4096), (16, 4096, 11008), (512, 512, 512), (333, 1000, 777)])
def test_realistic_sizes_on_gpu(M, K, N, dtype):
    x = randn(M, K, seed=5, dtype=dtype)
    w_q, scales = quantize_weight_per_channel(randn(N, K, seed=6, scale=0.02))
    # Long K in 16-bit: compare relative to the output's scale.
    expected = reference(x, w_q, scales)
    atol = TOLERANCES[dtype]["rtol"] * expected.abs().max().item()
    torch.testing.assert_close(w8a16_matmul(x, w_q, scales), expected, rtol=TOLERANCES[dtype]["rtol"], atol=atol)
