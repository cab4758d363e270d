"""Wrong: the output is allocated with torch.empty(shape, device=...), float32 whatever the inputs' dtype."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "dtype changed"


@triton.jit
def add_kernel(
    x_ptr,
    y_ptr,
    output_ptr,
    n_elements,
    BLOCK_SIZE: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    block_start = pid * BLOCK_SIZE
    offsets = block_start + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    output = x + y
    tl.store(output_ptr + offsets, output, mask=mask)


def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    output = torch.empty(x.shape, device=x.device)  # the mistake: float32 whatever x is
    assert x.device == y.device == output.device
    n_elements = output.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)  # noqa: E731 - as in the tutorial
    add_kernel[grid](x, y, output, n_elements, BLOCK_SIZE=256)
    return output
