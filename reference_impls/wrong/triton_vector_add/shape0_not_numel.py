"""Wrong: n is x.shape[0], the length of the first dim: a 2-D input is added only over its first row's worth."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "not len(x)"


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
    output = torch.empty_like(x)
    assert x.device == y.device == output.device
    n_elements = x.shape[0]  # the mistake: the first dim, not every element
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)  # noqa: E731 - as in the tutorial
    add_kernel[grid](x, y, output, n_elements, BLOCK_SIZE=256)
    return output
