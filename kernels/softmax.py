"""Row-wise softmax of a 2-D tensor, fused into one pass over memory.

softmax(x)_ij = exp(x_ij - max_j x_ij) / sum_j exp(x_ij - max_j x_ij). Subtracting the row max
changes nothing mathematically and keeps exp from overflowing. Eager PyTorch would read and write
the matrix several times (max, subtract, exp, sum, divide); here each program loads one whole row
into registers once (BLOCK_SIZE = next power of two >= n_cols, the tail masked to -inf so it adds
exp(-inf) = 0), does all of it in fp32 and writes the row once: 2 * rows * cols * element_size
bytes, the least any softmax can move, so it is judged in GB/s.

Source: Triton tutorial 02, "Fused Softmax" (simplified: one program per row, no persistent
loop over rows). Limits: 2-D, softmax over the last dim, which must be contiguous (rows may be
strided); n_cols <= 65536, since the row lives in registers (longer rows want an online softmax,
as in flash_attention.py).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim

MAX_COLS = 65536


@triton.jit
def _softmax_kernel(
    out_ptr,  # output, (n_rows, n_cols), contiguous
    in_ptr,  # input, (n_rows, n_cols), last dim contiguous
    in_row_stride,  # elements between the starts of two input rows
    out_row_stride,
    n_cols,
    BLOCK_SIZE: tl.constexpr,  # next power of two >= n_cols
):
    row = tl.program_id(axis=0)
    col_offsets = tl.arange(0, BLOCK_SIZE)
    mask = col_offsets < n_cols
    # 64-bit row offset: rows * stride can pass 2**31 elements on a large activation.
    row_start = in_ptr + row.to(tl.int64) * in_row_stride
    x = tl.load(row_start + col_offsets, mask=mask, other=-float("inf")).to(tl.float32)
    x = x - tl.max(x, axis=0)
    numerator = tl.exp(x)
    denominator = tl.sum(numerator, axis=0)
    out = numerator / denominator
    out_start = out_ptr + row.to(tl.int64) * out_row_stride
    tl.store(out_start + col_offsets, out.to(out_ptr.dtype.element_ty), mask=mask)


def softmax(x: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dim of a 2-D fp16 / bf16 / fp32 tensor, same dtype out (fp32 math)."""
    check_ndim(x, "x", 2, "(rows, cols)")
    check_dtype(x, "x", FLOAT_DTYPES)
    check_device(x, names=("x",))
    n_rows, n_cols = x.shape
    if n_cols > MAX_COLS:
        raise ValueError(f"x has {n_cols} columns; this kernel keeps a row in registers and takes at most {MAX_COLS}")
    if x.stride(1) != 1 and n_cols > 1:
        raise ValueError(f"x's last dim must be contiguous (strides {tuple(x.stride())}); call .contiguous() first")
    out = torch.empty((n_rows, n_cols), dtype=x.dtype, device=x.device)
    if out.numel() == 0:
        return out
    block_size = triton.next_power_of_2(n_cols)
    # More warps for longer rows, so each thread keeps few elements in registers.
    num_warps = 4 if block_size <= 2048 else 8 if block_size <= 8192 else 16
    _softmax_kernel[(n_rows,)](out, x, x.stride(0), out.stride(0), n_cols, BLOCK_SIZE=block_size, num_warps=num_warps)
    return out
