"""Wrong: B is addressed as if row-major contiguous (k * N + n) instead of through its strides, which
breaks on a transposed view."""

import torch
import triton
import triton.language as tl

from kernels.matmul import launch_naive

EXPECTED_HINT = "B is read as if contiguous"


@triton.jit
def matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_K: tl.constexpr,
):
    pid = tl.program_id(axis=0)
    m = pid // N
    n = pid % N
    acc = tl.zeros((BLOCK_K,), dtype=tl.float32)
    for k in range(0, K, BLOCK_K):
        offs_k = k + tl.arange(0, BLOCK_K)
        mask = offs_k < K
        a = tl.load(a_ptr + m * stride_am + offs_k * stride_ak, mask=mask, other=0.0)
        b = tl.load(b_ptr + offs_k * N + n, mask=mask, other=0.0)  # assumes strides (N, 1)
        acc += a.to(tl.float32) * b.to(tl.float32)
    tl.store(c_ptr + m * stride_cm + n * stride_cn, tl.sum(acc, axis=0).to(c_ptr.dtype.element_ty))


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return launch_naive(matmul_kernel, a, b, block_k=32)
