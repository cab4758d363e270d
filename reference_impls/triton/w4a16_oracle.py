"""The W4A16 exercise's expected outputs in plain PyTorch, written apart from kernels/w4a16_matmul.py:
the nibbles by arithmetic (q = lo + 16 * hi), the quantizer of reference_impls/torch/gptq.py applied group
by group, and dequantize-then-matmul in float64."""

import torch

from reference_impls.torch.gptq import quantizer_params


def pack_int4(q):
    q = q.to(torch.int64)
    if q.shape[1] % 2:
        q = torch.cat([q, torch.zeros_like(q[:, :1])], dim=1)
    return (q[:, 0::2] + 16 * q[:, 1::2]).to(torch.uint8)


def unpack_int4(packed, k):
    b = packed.to(torch.int64)
    out = torch.empty(packed.shape[0], 2 * packed.shape[1], dtype=torch.int64, device=packed.device)
    out[:, 0::2], out[:, 1::2] = b % 16, b // 16
    return out[:, :k].to(torch.uint8)


def _codes(w, group_size):
    """(codes (N, K) int64, scales (N, G), zeros (N, G)): GPTQ's min-max quantizer on each group of columns."""
    w = w.to(torch.float32)
    codes, scales, zeros = [], [], []
    for start in range(0, w.shape[1], group_size):
        part = w[:, start : start + group_size]
        scale, zero = quantizer_params(part, bits=4)
        codes.append(torch.clamp(torch.round(part / scale) + zero, 0, 15))
        scales.append(scale)
        zeros.append(zero)
    return torch.cat(codes, dim=1).to(torch.int64), torch.cat(scales, dim=1), torch.cat(zeros, dim=1)


def quantize_w4(w, group_size):
    codes, scales, zeros = _codes(w, group_size)
    return pack_int4(codes), scales, zeros.to(torch.uint8)


def dequantize_w4(packed, scales, zeros, group_size, k):
    q = unpack_int4(packed, k).to(torch.float64)
    s = scales.to(torch.float64).repeat_interleave(group_size, dim=1)[:, :k]
    z = zeros.to(torch.float64).repeat_interleave(group_size, dim=1)[:, :k]
    return ((q - z) * s).to(torch.float32)


def w4a16_matmul(x, packed, scales, zeros, group_size):
    """Dequantize, then one float64 matmul, rounded once to x's dtype."""
    w = dequantize_w4(packed, scales, zeros, group_size, x.shape[1]).to(torch.float64)
    return (x.to(torch.float64) @ w.T).to(x.dtype)
