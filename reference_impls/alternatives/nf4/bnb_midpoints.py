"""Correct, in bitsandbytes' style: the nearest NF4 level found by comparing with the midpoints between
consecutive levels (torch.bucketize, as the CUDA kernel's binary decision tree), blocks as a padded view;
double quantization with the offset subtracted first."""

import torch

NF4 = torch.tensor([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
    -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
    0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
    0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
])  # fmt: skip
MIDPOINTS = (NF4[1:] + NF4[:-1]) / 2


def _padded_blocks(flat, blocksize):
    n_blocks = -(-flat.numel() // blocksize)
    out = flat.new_zeros(n_blocks * blocksize)
    out[: flat.numel()] = flat
    return out.view(n_blocks, blocksize)


def nf4_quantize(w, blocksize=64):
    blocks = _padded_blocks(w.flatten().float(), blocksize)
    absmax = blocks.abs().max(dim=1).values
    scaled = blocks / absmax.clamp_min(torch.finfo(torch.float32).tiny).unsqueeze(1)
    scaled = torch.where(absmax.unsqueeze(1) > 0, scaled, torch.zeros_like(scaled))
    codes = torch.bucketize(scaled, MIDPOINTS)  # level i when MIDPOINTS[i-1] < x <= MIDPOINTS[i]
    return codes.flatten()[: w.numel()].to(torch.uint8), absmax


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    n = codes.numel()
    values = _padded_blocks(NF4[codes.long()], blocksize) * absmax.unsqueeze(1)
    return values.flatten()[:n].view(shape)


def double_quantize(absmax, blocksize=256):
    offset = absmax.mean()
    blocks = _padded_blocks(absmax - offset, blocksize)
    amax = blocks.abs().max(dim=1).values
    scales = torch.where(amax == 0, torch.ones_like(amax), amax / 127)
    q = (blocks / scales.unsqueeze(1)).round().clamp(-127, 127).to(torch.int8)
    return q.flatten()[: absmax.numel()], scales, offset


def double_dequantize(q, scales, offset, blocksize=256):
    values = _padded_blocks(q.float(), blocksize) * scales.unsqueeze(1)
    return values.flatten()[: q.numel()] + offset


def bits_per_parameter(blocksize=64, double_quant=False, blocksize2=256):
    constants = 8 / blocksize + 32 / (blocksize * blocksize2) if double_quant else 32 / blocksize
    return 4 + constants
