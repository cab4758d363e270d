"""Wrong: 16 evenly spaced levels in [-1, 1] (plain 4-bit absmax quantization) instead of NF4's normal quantiles."""

import torch

from reference_impls.torch.nf4 import _blocks, bits_per_parameter, double_dequantize, double_quantize  # noqa: F401

EXPECTED_HINT = "evenly spaced levels"

LEVELS = torch.linspace(-1, 1, 16)  # the mistake: NF4's table (quantiles of N(0, 1))


def nf4_quantize(w, blocksize=64):
    blocks = _blocks(w.float(), blocksize)
    absmax = blocks.abs().amax(dim=1)
    normed = blocks / torch.where(absmax > 0, absmax, torch.ones_like(absmax))[:, None]
    codes = (normed[..., None] - LEVELS).abs().argmin(dim=-1)
    return codes.reshape(-1)[: w.numel()].to(torch.uint8), absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    values = _blocks(LEVELS[codes.long()], blocksize) * absmax[:, None]
    return values.reshape(-1)[: codes.numel()].reshape(shape)
