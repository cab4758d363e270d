"""The QLoRA layer against a float LoRA layer whose W0 is the NF4-dequantized weight (forward and backward,
torch autograd), gradcheck in float64, and what QLoRA promises: the base is stored as 4-bit codes, never as
a trainable float tensor, and only A and B train."""

import pytest
import torch

from reference_impls.torch.lora import LoRALinear
from reference_impls.torch.nf4 import nf4_dequantize, nf4_quantize
from reference_impls.torch.qlora import QLoRALinear


def _pair(seed, d_in=24, d_out=10, r=4, alpha=8.0, bias=True, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(d_out, d_in, generator=g) * 0.2
    b = torch.randn(d_out, generator=g) if bias else None
    q = QLoRALinear(w, b, r=r, alpha=alpha, compute_dtype=dtype)
    f = LoRALinear(d_in, d_out, r=r, alpha=alpha, bias=bias).to(dtype)
    codes, absmax = nf4_quantize(w)
    with torch.no_grad():
        f.weight.copy_(nf4_dequantize(codes, absmax, w.shape))
        if bias:
            f.bias.copy_(b)
        for layer in (q, f):
            layer.lora_A.copy_(torch.randn(r, d_in, generator=torch.Generator().manual_seed(seed + 1)))
            layer.lora_B.copy_(torch.randn(d_out, r, generator=torch.Generator().manual_seed(seed + 2)))
    return q, f, torch.randn(2, 5, d_in, generator=g, dtype=dtype)


@pytest.mark.parametrize(
    "r, alpha, bias, dtype",
    [(4, 8.0, True, torch.float64), (1, 1.0, False, torch.float32), (8, 32.0, True, torch.float32)],
)
def test_matches_float_lora_on_the_dequantized_weight(r, alpha, bias, dtype):
    q, f, x = _pair(0, r=r, alpha=alpha, bias=bias, dtype=dtype)
    xq, xf = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_q, out_f = q(xq), f(xf)
    assert out_q.dtype == dtype
    torch.testing.assert_close(out_q, out_f)
    g = torch.randn_like(out_q)
    (out_q * g).sum().backward()
    (out_f * g).sum().backward()
    torch.testing.assert_close(q.lora_A.grad, f.lora_A.grad)
    torch.testing.assert_close(q.lora_B.grad, f.lora_B.grad)
    torch.testing.assert_close(xq.grad, xf.grad)


def test_only_the_adapters_train_and_the_base_is_4_bit():
    q, _, x = _pair(1)
    assert sorted(n for n, p in q.named_parameters()) == ["lora_A", "lora_B"]
    assert q.codes.dtype == torch.uint8 and int(q.codes.max()) <= 15
    assert not any(t.is_floating_point() and t.shape == (10, 24) for t in q.state_dict().values())


def test_gradcheck_float64():
    q, _, x = _pair(2)
    x = x.requires_grad_()
    assert torch.autograd.gradcheck(
        lambda x, a, b: torch.func.functional_call(q, {"lora_A": a, "lora_B": b}, (x,)), (x, q.lora_A, q.lora_B)
    )


def test_starts_as_the_quantized_base():
    w = torch.randn(6, 64)
    q = QLoRALinear(w, r=2)
    x = torch.randn(3, 64)
    torch.testing.assert_close(q(x), x @ q.dequantized_weight().T)
    assert (q.dequantized_weight() - w).abs().max() < 0.2 * w.abs().max()  # NF4 keeps W within its step
