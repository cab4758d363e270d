"""Wrong: the zero-points are subtracted in int8, which wraps past 127."""

import torch
import triton
import triton.language as tl

from reference_impls.triton.int8_add import (  # noqa: F401 - as in the reference
    choose_qparams,
    dequantize,
    fixed_point_multipliers,
    quantize,
)

EXPECTED_HINT = "int8 overflow"


@triton.jit
def int8_add_kernel(
    a_ptr,
    b_ptr,
    out_ptr,
    n_elements,
    a_zero,
    b_zero,
    out_zero,
    a_mult,
    b_mult,
    SHIFT: tl.constexpr,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    a = tl.load(a_ptr + offsets, mask=mask, other=0)
    b = tl.load(b_ptr + offsets, mask=mask, other=0)
    # The centred values kept in int8 "to save registers": 127 - (-100) = 227 wraps to -29.
    da = (a - a_zero).to(tl.int8).to(tl.int32)
    db = (b - b_zero).to(tl.int8).to(tl.int32)
    acc = da * a_mult + db * b_mult
    magnitude = (tl.abs(acc) + (1 << (SHIFT - 1))) >> SHIFT
    rounded = tl.where(acc < 0, -magnitude, magnitude) + out_zero
    out = tl.minimum(tl.maximum(rounded, -128), 127)
    tl.store(out_ptr + offsets, out.to(tl.int8), mask=mask)


def int8_add(a_q, b_q, a_scale, a_zero, b_scale, b_zero, out_scale, out_zero):
    a_mult, b_mult = fixed_point_multipliers(a_scale, b_scale, out_scale)
    out = torch.empty_like(a_q)
    n = out.numel()
    int8_add_kernel[(triton.cdiv(n, 256),)](
        a_q, b_q, out, n, a_zero, b_zero, out_zero, a_mult, b_mult, SHIFT=16, BLOCK_SIZE=256
    )
    return out
