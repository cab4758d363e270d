"""Wrong: the result is cast to int8 without clamping: out-of-range sums wrap."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "no saturation"


def choose_qparams(x):
    x = x.to(torch.float32)
    lo, hi = torch.clamp(x.min(), max=0.0), torch.clamp(x.max(), min=0.0)
    scale = (hi - lo) / 255
    if scale.item() == 0:
        return 1.0, 0
    return scale.item(), int(torch.clamp(-128 - torch.round(lo / scale), -128, 127).item())


def quantize(x, scale, zero_point):
    return torch.clamp(torch.round(x.to(torch.float32) / scale) + zero_point, -128, 127).to(torch.int8)


def dequantize(q, scale, zero_point):
    return (q.to(torch.float32) - zero_point) * scale


def fixed_point_multipliers(a_scale, b_scale, out_scale):
    return round(a_scale / out_scale * 2**16), round(b_scale / out_scale * 2**16)


@triton.jit
def int8_add_kernel(a_ptr, b_ptr, out_ptr, n_elements, a_zero, b_zero, out_zero, a_mult, b_mult,
                    SHIFT: tl.constexpr, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    a = tl.load(a_ptr + offsets, mask=mask, other=0).to(tl.int32)
    b = tl.load(b_ptr + offsets, mask=mask, other=0).to(tl.int32)
    acc = (a - a_zero) * a_mult + (b - b_zero) * b_mult
    magnitude = (tl.abs(acc) + (1 << (SHIFT - 1))) >> SHIFT
    rounded = tl.where(acc < 0, -magnitude, magnitude) + out_zero
    tl.store(out_ptr + offsets, rounded.to(tl.int8), mask=mask)  # no clamp: 130 wraps to -126


def int8_add(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero):
    a_mult, b_mult = fixed_point_multipliers(a_scale, b_scale, out_scale)
    out = torch.empty_like(a_q)
    n = out.numel()
    int8_add_kernel[(triton.cdiv(n, 256),)](a_q, b_q, out, n, a_zero, b_zero, out_zero, a_mult, b_mult,
                                            SHIFT=16, BLOCK_SIZE=256)
    return out
