"""kernels.flash_attention against torch's scaled_dot_product_attention computed in fp32."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from kernels.flash_attention import flash_attention
from tests.kernels.random_inputs import DEVICE, randn

TOLERANCES = {
    torch.float32: {"rtol": 2e-5, "atol": 2e-5},
    torch.float16: {"rtol": 2e-3, "atol": 2e-3},
    torch.bfloat16: {"rtol": 1.6e-2, "atol": 1.6e-2},
}


def reference(q, k, v, causal, sm_scale=None):
    out = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=causal, scale=sm_scale)
    return out.to(q.dtype)


def qkv(B, H, seq_q, seq_k, D, dtype, seed=0, scale=1.0):
    return (
        randn(B, H, seq_q, D, seed=seed, dtype=dtype, scale=scale),
        randn(B, H, seq_k, D, seed=seed + 1, dtype=dtype, scale=scale),
        randn(B, H, seq_k, D, seed=seed + 2, dtype=dtype),
    )


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("dtype", [torch.float16, torch.float32])
@pytest.mark.parametrize(
    "B, H, seq_q, seq_k, D",
    [
        (1, 1, 1, 1, 16),  # one query, one key
        (1, 2, 45, 45, 32),  # not a multiple of either block
        (2, 1, 17, 50, 64),  # fewer queries than keys
        (1, 1, 50, 17, 16),  # more queries than keys (causal: top-left aligned, as torch)
        (1, 1, 64, 64, 128),  # whole blocks
    ],
)
def test_matches_sdpa(B, H, seq_q, seq_k, D, dtype, causal):
    q, k, v = qkv(B, H, seq_q, seq_k, D, dtype, seed=seq_q + D)
    out = flash_attention(q, k, v, causal=causal)
    assert out.shape == q.shape and out.dtype == dtype and out.device == q.device
    torch.testing.assert_close(out, reference(q, k, v, causal), **TOLERANCES[dtype])


def test_custom_scale_and_large_scores():
    q, k, v = qkv(1, 2, 40, 40, 32, torch.float16, seed=3, scale=4.0)  # scores of +-100: online max matters
    for causal in (False, True):
        out = flash_attention(q, k, v, causal=causal, sm_scale=0.5)
        assert torch.isfinite(out).all()
        torch.testing.assert_close(out, reference(q, k, v, causal, sm_scale=0.5), **TOLERANCES[torch.float16])


def test_strided_inputs():
    """(B, S, H, D) tensors viewed as (B, H, S, D): no copy needed."""
    q, k, v = (randn(2, 33, 3, 16, seed=s, dtype=torch.float16).transpose(1, 2) for s in (4, 5, 6))
    out = flash_attention(q, k, v, causal=True)
    assert out.is_contiguous()
    torch.testing.assert_close(out, reference(q, k, v, True), **TOLERANCES[torch.float16])


def test_causal_never_reads_key_blocks_above_the_diagonal():
    """Poison V past key 128: queries < 128 only see keys < 128, and with any power-of-two block
    size up to 128 their programs stop before loading a poisoned block (torch's SDPA would not:
    its zero attention weights times NaN give NaN)."""
    q, k, v = qkv(1, 1, 256, 256, 16, torch.float16, seed=7)
    poisoned = v.clone()
    poisoned[:, :, 128:] = float("nan")
    out = flash_attention(q, k, poisoned, causal=True)
    assert not torch.isnan(out[:, :, :128]).any()
    torch.testing.assert_close(out[:, :, :128], reference(q, k, v, True)[:, :, :128], **TOLERANCES[torch.float16])


def test_bad_inputs_are_refused():
    q = torch.zeros(1, 2, 8, 16, device=DEVICE, dtype=torch.float16)
    with pytest.raises(ValueError, match=r"q \(1, 2, 8, 16\), k \(1, 3, 8, 16\), v \(1, 3, 8, 16\)"):
        flash_attention(q, q.new_zeros(1, 3, 8, 16), q.new_zeros(1, 3, 8, 16))
    with pytest.raises(ValueError, match="head_dim is 48"):
        z = q.new_zeros(1, 2, 8, 48)
        flash_attention(z, z, z)
    with pytest.raises(ValueError, match="share a dtype"):
        flash_attention(q, q.float(), q)
    with pytest.raises(ValueError, match=r"4-D \(batch, heads, seq_q, head_dim\)"):
        flash_attention(q[0], q, q)


@pytest.mark.gpu
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
@pytest.mark.parametrize("B, H, seq, D", [(2, 4, 1024, 64), (1, 2, 1000, 128), (4, 8, 333, 32), (1, 1, 4097, 16)])
def test_realistic_sizes_on_gpu(B, H, seq, D, dtype, causal):
    q, k, v = qkv(B, H, seq, seq, D, dtype, seed=8)
    out = flash_attention(q, k, v, causal=causal, sm_scale=1 / math.sqrt(D))
    torch.testing.assert_close(out, reference(q, k, v, causal), **TOLERANCES[dtype])
