"""Element-wise addition `x + y`: the first Triton kernel.

Each program instance adds one contiguous block of BLOCK_SIZE elements: it computes its offsets from
`tl.program_id(0)`, masks the tail past `n_elements` (the length need not be a multiple of
BLOCK_SIZE), loads, adds and stores. The kernel is memory-bound: it moves 3 * n * element_size bytes
and does n additions, so its figure of merit is GB/s against the device's bandwidth.

fp16 and bf16 are added in fp32 and rounded once to the output dtype (what PyTorch does); the fp32
detour also keeps bf16 right in the interpreter, whose numpy has no bfloat16 arithmetic (it does
convert, truncating on the way back, so interpreted bf16 may be 1 ulp nearer zero than PyTorch).

Source: Triton tutorial 01, "Vector Addition". Limits: same shape and float dtype (fp16, bf16,
fp32) for x and y, contiguous (any number of dims, flattened); no broadcasting.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_contiguous, check_device, check_dtype

BLOCK_SIZE = 1024


@triton.jit
def _vector_add_kernel(
    x_ptr,  # first input
    y_ptr,  # second input
    out_ptr,  # output, same length
    n_elements,  # length of the flattened vectors
    BLOCK_SIZE: tl.constexpr,  # elements per program; a power of two, as tl.arange needs
):
    pid = tl.program_id(axis=0)
    offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE)
    mask = offsets < n_elements  # the last block overruns the vectors
    x = tl.load(x_ptr + offsets, mask=mask)
    y = tl.load(y_ptr + offsets, mask=mask)
    # Half-precision inputs are added in fp32 and rounded once, as PyTorch does on CPU and GPU.
    out = x.to(tl.float32) + y.to(tl.float32)
    tl.store(out_ptr + offsets, out.to(out_ptr.dtype.element_ty), mask=mask)


def vector_add(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """x + y for two contiguous float tensors of the same shape and dtype, on their device."""
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got x {tuple(x.shape)} and y {tuple(y.shape)}")
    if x.dtype != y.dtype:
        raise ValueError(f"x and y must have the same dtype, got x {x.dtype} and y {y.dtype}")
    check_dtype(x, "x", FLOAT_DTYPES)
    check_device(x, y, names=("x", "y"))
    check_contiguous(x, "x")
    check_contiguous(y, "y")
    out = torch.empty_like(x)
    n_elements = out.numel()
    if n_elements == 0:
        return out
    grid = (triton.cdiv(n_elements, BLOCK_SIZE),)
    _vector_add_kernel[grid](x, y, out, n_elements, BLOCK_SIZE=BLOCK_SIZE, num_warps=4)
    return out
