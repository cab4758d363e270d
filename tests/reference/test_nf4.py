"""NF4: the 16 levels against QLoRA / bitsandbytes' construction from normal quantiles, nearest-level codes
against a loop, block absmax scaling, double quantization's error and the bits per parameter."""

import numpy as np
import pytest
import torch
from scipy.stats import norm

from reference_impls.torch.nf4 import (
    NF4,
    bits_per_parameter,
    double_dequantize,
    double_quantize,
    nf4_dequantize,
    nf4_quantize,
)


def test_levels_are_bitsandbytes_normal_map():
    """create_normal_map(offset=0.9677083, use_extra_value=True): 8 positive and 7 negative quantiles, and 0."""
    offset = 0.9677083
    positive = norm.ppf(torch.linspace(offset, 0.5, 9)[:-1].numpy())
    negative = -norm.ppf(torch.linspace(offset, 0.5, 8)[:-1].numpy())
    levels = np.sort(np.concatenate([positive, [0.0], negative]))
    np.testing.assert_allclose(NF4.numpy(), levels / levels.max(), rtol=1e-6, atol=1e-7)
    assert NF4[7] == 0 and NF4[0] == -1 and NF4[15] == 1


def test_codes_are_the_nearest_level_of_each_block():
    w = torch.randn(3, 64 * 2 + 16, generator=torch.Generator().manual_seed(0))  # a partial last block
    codes, absmax = nf4_quantize(w)
    assert codes.dtype == torch.uint8 and codes.numel() == w.numel() and absmax.shape == (7,)
    flat = w.flatten()
    for i in range(0, flat.numel(), 37):
        block = flat[(i // 64) * 64 : (i // 64 + 1) * 64]
        assert absmax[i // 64] == block.abs().max()
        target = flat[i] / block.abs().max()
        assert codes[i] == min(range(16), key=lambda c: abs(NF4[c].item() - target.item()))
    back = nf4_dequantize(codes, absmax, w.shape)
    assert back.shape == w.shape
    gaps = NF4.diff().max() / 2  # half the widest gap between levels, times the block's absmax
    assert ((back - w).abs() <= gaps * absmax.repeat_interleave(64)[: w.numel()].view_as(w) + 1e-6).all()
    assert (
        back.flatten()[absmax.repeat_interleave(64)[: w.numel()] == flat.abs()]
        == flat[flat.abs() == absmax.repeat_interleave(64)[: w.numel()]]
    ).all()


def test_block_absmax_survives_exactly_and_zero_blocks_stay_zero():
    w = torch.zeros(128)
    w[64:] = torch.linspace(-3, 2, 64)
    codes, absmax = nf4_quantize(w)
    back = nf4_dequantize(codes, absmax, w.shape)
    assert (back[:64] == 0).all() and absmax[0] == 0
    assert back[64] == -3.0  # the absmax element maps to +-1 exactly


def test_double_quantization():
    w = torch.randn(64 * 600, generator=torch.Generator().manual_seed(1)) * 0.02
    _, absmax = nf4_quantize(w)
    q, scales, offset = double_quantize(absmax)
    assert q.dtype == torch.int8 and scales.shape == (3,)  # 600 constants in blocks of 256
    back = double_dequantize(q, scales, offset)
    err = (back - absmax).abs().max()
    assert err <= scales.max() / 2 + 1e-9 and err < 0.01 * absmax.mean()


def test_bits_per_parameter():
    assert bits_per_parameter() == 4.5
    assert bits_per_parameter(double_quant=True) == pytest.approx(4.127, abs=5e-4)  # QLoRA: 0.5 -> 0.127 bits
