"""Wrong: the grid is n // BLOCK_SIZE programs, so the last partial block is never computed."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "the last partial block never ran"


@triton.jit
def vector_add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    tl.store(out_ptr + offsets, x + y, mask=mask)


def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.zeros_like(x)
    n = out.numel()
    grid = (max(n // 256, 1),)  # max(..., 1): at least one program for short inputs, still short by the tail
    vector_add_kernel[grid](x, y, out, n, BLOCK_SIZE=256)
    return out
