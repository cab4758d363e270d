"""Wrong: the mask is offsets <= n_elements: the lane at index n_elements loads and stores one past the end."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "one lane past the end"
INTERPRETER_ONLY = (  # what the registry test skips where kernels run compiled
    "on a GPU the lane past the end reads and writes the caching allocator's slack, and every checked element is still right"
)


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
    mask = offsets <= n_elements  # the mistake: one lane too many
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    output = x + y
    tl.store(output_ptr + offsets, output, mask=mask)


def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    output = torch.empty_like(x)
    assert x.device == y.device == output.device
    n_elements = output.numel()
    grid = lambda meta: (triton.cdiv(n_elements, meta["BLOCK_SIZE"]),)  # noqa: E731 - as in the tutorial
    add_kernel[grid](x, y, output, n_elements, BLOCK_SIZE=256)
    return output
