"""Wrong: a race on a shared accumulator. Each row is split over programs of 256 columns; each stores
its partial sum of exp to the row's one slot with tl.store, so the last writer wins (on a GPU, any
writer). The row max is computed correctly, by one program per row."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "storing partial sums to one address race"

BLOCK = 256


@triton.jit
def row_max_kernel(max_ptr, in_ptr, in_row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    m = tl.full((BLOCK,), -float("inf"), tl.float32)
    for start in range(0, n_cols, BLOCK):
        cols = start + tl.arange(0, BLOCK)
        x = tl.load(in_ptr + row * in_row_stride + cols, mask=cols < n_cols, other=-float("inf")).to(tl.float32)
        m = tl.maximum(m, x)
    tl.store(max_ptr + row, tl.max(m, axis=0))


@triton.jit
def partial_sum_kernel(sum_ptr, max_ptr, in_ptr, in_row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    cols = tl.program_id(axis=1) * BLOCK + tl.arange(0, BLOCK)
    x = tl.load(in_ptr + row * in_row_stride + cols, mask=cols < n_cols, other=-float("inf")).to(tl.float32)
    partial = tl.sum(tl.exp(x - tl.load(max_ptr + row)), axis=0)
    tl.store(sum_ptr + row, partial)  # every column block of the row writes here: should be tl.atomic_add


@triton.jit
def normalize_kernel(out_ptr, sum_ptr, max_ptr, in_ptr, in_row_stride, out_row_stride, n_cols, BLOCK: tl.constexpr):
    row = tl.program_id(axis=0)
    cols = tl.program_id(axis=1) * BLOCK + tl.arange(0, BLOCK)
    mask = cols < n_cols
    x = tl.load(in_ptr + row * in_row_stride + cols, mask=mask, other=-float("inf")).to(tl.float32)
    out = tl.exp(x - tl.load(max_ptr + row)) / tl.load(sum_ptr + row)
    tl.store(out_ptr + row * out_row_stride + cols, out.to(out_ptr.dtype.element_ty), mask=mask)


def softmax(x: torch.Tensor) -> torch.Tensor:
    n_rows, n_cols = x.shape
    out = torch.empty_like(x)
    row_max = torch.empty(n_rows, dtype=torch.float32, device=x.device)
    row_sum = torch.zeros(n_rows, dtype=torch.float32, device=x.device)
    grid = (n_rows, triton.cdiv(n_cols, BLOCK))
    row_max_kernel[(n_rows,)](row_max, x, x.stride(0), n_cols, BLOCK=BLOCK)
    partial_sum_kernel[grid](row_sum, row_max, x, x.stride(0), n_cols, BLOCK=BLOCK)
    normalize_kernel[grid](out, row_sum, row_max, x, x.stride(0), out.stride(0), n_cols, BLOCK=BLOCK)
    return out
