"""Wrong: acc + 2**15 >> 16 for every sign: negative ties round up, toward zero (half up, not away from zero)."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "round acc half away from zero"

QUANT_MIN, QUANT_MAX = -128, 127
SHIFT = 16


def choose_qparams(x: torch.Tensor) -> tuple[float, int]:
    min_val, max_val = torch.aminmax(x.detach().float())
    min_val_neg = torch.min(min_val, torch.zeros_like(min_val))
    max_val_pos = torch.max(max_val, torch.zeros_like(max_val))
    scale = (max_val_pos - min_val_neg) / float(QUANT_MAX - QUANT_MIN)
    if scale == 0:
        return 1.0, 0
    zero_point = QUANT_MIN - torch.round(min_val_neg / scale).to(torch.int)
    zero_point = torch.clamp(zero_point, QUANT_MIN, QUANT_MAX)
    return float(scale), int(zero_point)


def quantize(x: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    q = torch.round(x.float() / scale).to(torch.int32) + zero_point
    return q.clamp(QUANT_MIN, QUANT_MAX).to(torch.int8)


def dequantize(q: torch.Tensor, scale: float, zero_point: int) -> torch.Tensor:
    return scale * (q.to(torch.int32) - zero_point).to(torch.float32)


def fixed_point_multipliers(a_scale: float, b_scale: float, out_scale: float) -> tuple[int, int]:
    one = 1 << SHIFT
    return round(a_scale / out_scale * one), round(b_scale / out_scale * one)


@triton.jit
def quantized_add_kernel(
    a_ptr, b_ptr, out_ptr, n_elements, a_zero, b_zero, out_zero, a_mult, b_mult,
    SHIFT: tl.constexpr, BLOCK_SIZE: tl.constexpr,
):  # fmt: skip
    offsets = tl.program_id(0) * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    a = tl.load(a_ptr + offsets, mask=mask).to(tl.int32)
    b = tl.load(b_ptr + offsets, mask=mask).to(tl.int32)
    acc = a_mult * (a - a_zero) + b_mult * (b - b_zero)
    half = 1 << (SHIFT - 1)
    rounded = (acc + half) >> SHIFT  # the mistake: half up for negatives too
    out = tl.clamp(rounded + out_zero, -128, 127)
    tl.store(out_ptr + offsets, out.to(tl.int8), mask=mask)


def int8_add(
    a_q: torch.Tensor,
    b_q: torch.Tensor,
    a_scale: float,
    a_zero: int,
    b_scale: float,
    b_zero: int,
    out_scale: float,
    out_zero: int,
) -> torch.Tensor:
    a_mult, b_mult = fixed_point_multipliers(a_scale, b_scale, out_scale)
    out = torch.empty_like(a_q)
    n = out.numel()
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK_SIZE"]),)  # noqa: E731 - as in the Triton tutorials
    quantized_add_kernel[grid](a_q, b_q, out, n, a_zero, b_zero, out_zero, a_mult, b_mult, SHIFT=SHIFT, BLOCK_SIZE=512)
    return out
