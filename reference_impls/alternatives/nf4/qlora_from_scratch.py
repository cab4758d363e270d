"""Correct, in the style of the "QLoRA from scratch" notebooks: F.pad to whole blocks, view(-1, blocksize),
the zero-absmax guard by masked assignment on a copy, argmin against the level table broadcast as (1, 1, 16),
and a lookup-table dequantize with codes cast to long."""

import torch
import torch.nn.functional as F

NF4 = torch.tensor(
    [
        -1.0,
        -0.6961928009986877,
        -0.5250730514526367,
        -0.39491748809814453,
        -0.28444138169288635,
        -0.18477343022823334,
        -0.09105003625154495,
        0.0,
        0.07958029955625534,
        0.16093020141124725,
        0.24611230194568634,
        0.33791524171829224,
        0.44070982933044434,
        0.5626170039176941,
        0.7229568362236023,
        1.0,
    ]
)


def _pad(flat, blocksize):
    return F.pad(flat, (0, (-flat.numel()) % blocksize))


def nf4_quantize(w, blocksize=64):
    flat = w.flatten().to(torch.float32)
    n = flat.numel()
    blocks = _pad(flat, blocksize).view(-1, blocksize)
    absmax = blocks.abs().max(dim=-1).values
    scale = absmax.clone()
    scale[scale == 0] = 1.0
    normalized = blocks / scale.unsqueeze(-1)
    diff = (normalized.unsqueeze(-1) - NF4.view(1, 1, -1)).abs()
    codes = diff.argmin(dim=-1).to(torch.uint8)
    return codes.flatten()[:n], absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    n = codes.numel()
    vals = NF4[codes.to(torch.long)]
    vals = _pad(vals, blocksize).view(-1, blocksize) * absmax.unsqueeze(-1)
    return vals.flatten()[:n].view(shape)


def double_quantize(absmax, blocksize=256):
    offset = absmax.mean()
    centered = absmax - offset
    n = centered.numel()
    blocks = _pad(centered, blocksize).view(-1, blocksize)
    c = blocks.abs().max(dim=-1).values / 127.0
    c = torch.where(c == 0, torch.ones_like(c), c)
    q = torch.clamp(torch.round(blocks / c.unsqueeze(-1)), -127, 127).to(torch.int8)
    return q.flatten()[:n], c, offset


def double_dequantize(q, scales, offset, blocksize=256):
    n = q.numel()
    blocks = _pad(q.to(torch.float32), blocksize).view(-1, blocksize)
    return (blocks * scales.unsqueeze(-1)).flatten()[:n] + offset


def bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256):
    if double_quant:
        return 4 + 8 / blocksize + 32 / (blocksize * blocksize2)
    return 4 + 32 / blocksize
