"""Wrong: scales the whole tensor by one absmax instead of one per block of `blocksize` weights."""

import torch

from reference_impls.torch.nf4 import NF4, bits_per_parameter, double_dequantize, double_quantize  # noqa: F401

EXPECTED_HINT = "one absmax for the whole tensor"


def nf4_quantize(w, blocksize=64):
    flat = w.reshape(-1).float()
    absmax = flat.abs().max()  # the mistake: one absmax per block of blocksize
    codes = (flat[:, None] / absmax - NF4).abs().argmin(dim=-1).to(torch.uint8)
    n_blocks = (flat.numel() + blocksize - 1) // blocksize
    return codes, absmax.repeat(n_blocks)  # the shape asked for, one value repeated


def nf4_dequantize(codes, absmax, shape, blocksize=64):
    return (NF4[codes.long()] * absmax[0]).reshape(shape)
