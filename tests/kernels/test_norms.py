"""kernels.norms: LayerNorm and RMSNorm forward, RMSNorm backward, against torch autograd in fp32."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from kernels.norms import layer_norm, rms_norm
from tests.kernels.random_inputs import DEVICE, randn

DTYPES = [torch.float32, torch.float16, torch.bfloat16]
SHAPES = [(1, 1), (3, 7), (2, 5, 33), (37, 300)]  # 37 rows: uneven runs of rows per backward program
# Gradients go through two roundings to a 16-bit dtype (y's dy and dx itself): one step looser.
GRAD_TOLERANCES = {
    torch.float32: {"rtol": 1e-5, "atol": 1e-5},
    torch.float16: {"rtol": 2e-3, "atol": 2e-3},
    torch.bfloat16: {"rtol": 2e-2, "atol": 2e-2},
}


def rms_norm_eager(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps) * weight


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_layer_norm_matches_torch(shape, dtype):
    N = shape[-1]
    x = randn(*shape, seed=N, dtype=dtype, scale=3.0, shift=1.0)
    weight, bias = randn(N, seed=N + 1, dtype=dtype), randn(N, seed=N + 2, dtype=dtype)
    out = layer_norm(x, weight, bias)
    assert out.shape == x.shape and out.dtype == dtype and out.device == x.device
    expected = F.layer_norm(x.float(), (N,), weight.float(), bias.float(), eps=1e-5).to(dtype)
    torch.testing.assert_close(out, expected)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_rms_norm_forward_and_backward_match_autograd(shape, dtype):
    N = shape[-1]
    x = randn(*shape, seed=N, dtype=dtype, scale=2.0, shift=0.5)
    weight = randn(N, seed=N + 1, dtype=dtype)
    dy = randn(*shape, seed=N + 2, dtype=dtype)

    x_k, w_k = x.clone().requires_grad_(), weight.clone().requires_grad_()
    y = rms_norm(x_k, w_k, eps=1e-6)
    y.backward(dy)

    x_r, w_r = x.float().requires_grad_(), weight.float().requires_grad_()
    y_r = rms_norm_eager(x_r, w_r, eps=1e-6)
    y_r.backward(dy.float())

    assert y.dtype == dtype and x_k.grad.dtype == dtype and w_k.grad.dtype == dtype
    torch.testing.assert_close(y, y_r.to(dtype))
    torch.testing.assert_close(x_k.grad, x_r.grad.to(dtype), **GRAD_TOLERANCES[dtype])
    torch.testing.assert_close(w_k.grad, w_r.grad.to(dtype), **GRAD_TOLERANCES[dtype])


def test_rms_norm_matches_torch_functional():
    x, weight = randn(9, 64, seed=3), randn(64, seed=4)
    torch.testing.assert_close(rms_norm(x, weight, eps=1e-5), F.rms_norm(x, (64,), weight, eps=1e-5))


def test_rms_norm_backward_through_a_graph():
    """The Function composes: a loss after it, a weight used elsewhere too."""
    x, weight = randn(10, 48, seed=5).requires_grad_(), randn(48, seed=6).requires_grad_()
    loss = (rms_norm(x * 2.0, weight) ** 2).sum() + weight.sum()
    loss.backward()
    x_r, w_r = x.detach().clone().requires_grad_(), weight.detach().clone().requires_grad_()
    ((rms_norm_eager(x_r * 2.0, w_r, 1e-6) ** 2).sum() + w_r.sum()).backward()
    torch.testing.assert_close(x.grad, x_r.grad, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(weight.grad, w_r.grad, rtol=1e-5, atol=1e-5)


def test_bad_inputs_are_refused():
    x = torch.zeros(4, 8, device=DEVICE)
    with pytest.raises(ValueError, match=r"weight must have shape \(8,\) to match x \(4, 8\), got \(7,\)"):
        rms_norm(x, torch.ones(7, device=DEVICE))
    with pytest.raises(ValueError, match=r"bias must have shape \(8,\)"):
        layer_norm(x, torch.ones(8, device=DEVICE), torch.zeros(1, device=DEVICE))
    with pytest.raises(ValueError, match="contiguous"):
        layer_norm(torch.zeros(8, 4, device=DEVICE).t(), torch.ones(8, device=DEVICE), torch.zeros(8, device=DEVICE))
    with pytest.raises(ValueError, match="at most 16384"):
        rms_norm(torch.zeros(1, 20000, device=DEVICE), torch.ones(20000, device=DEVICE))


@pytest.mark.gpu
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(4096, 4096), (8192, 1000)])
def test_realistic_sizes_on_gpu(shape, dtype):
    N = shape[-1]
    x, weight, bias = randn(*shape, seed=7, dtype=dtype), randn(N, seed=8, dtype=dtype), randn(N, seed=9, dtype=dtype)
    expected = F.layer_norm(x.float(), (N,), weight.float(), bias.float(), eps=1e-5).to(dtype)
    torch.testing.assert_close(layer_norm(x, weight, bias), expected)

    dy = randn(*shape, seed=10, dtype=dtype)
    x_k, w_k = x.clone().requires_grad_(), weight.clone().requires_grad_()
    rms_norm(x_k, w_k).backward(dy)
    x_r, w_r = x.float().requires_grad_(), weight.float().requires_grad_()
    rms_norm_eager(x_r, w_r, 1e-6).backward(dy.float())
    torch.testing.assert_close(x_k.grad, x_r.grad.to(dtype), **GRAD_TOLERANCES[dtype])
    # dw sums 4096+ rows: relative tolerance on the sum, not per element.
    torch.testing.assert_close(w_k.grad.float(), w_r.grad, rtol=2e-2, atol=2e-2 * w_r.grad.abs().mean().item())
