"""Wrong: no mask, so the last block loads and stores past the end (a power-of-two length hides it)."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "no mask on the last block"
INTERPRETER_ONLY = (  # what the registry test skips where kernels run compiled
    "on a GPU the lanes past the end read and write the caching allocator's slack, and every "
    "checked element is still right"
)


@triton.jit
def vector_add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK_SIZE: tl.constexpr):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    x = tl.load(x_ptr + offsets)
    y = tl.load(y_ptr + offsets)
    tl.store(out_ptr + offsets, x + y)


def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    out = torch.empty_like(x)
    n = out.numel()
    grid = (triton.cdiv(n, 1024),)
    vector_add_kernel[grid](x, y, out, n, BLOCK_SIZE=1024)
    return out
