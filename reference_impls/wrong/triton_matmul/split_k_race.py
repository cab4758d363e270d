"""Wrong: a race on a shared accumulator. K is split over a second grid axis; each program stores its
partial dot product to C[m, n] with tl.store, so the last writer wins (on a GPU, any writer)."""

import torch
import triton
import triton.language as tl

EXPECTED_HINT = "a race (the last writer wins)"


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
    offs_k = tl.program_id(axis=1) * BLOCK_K + tl.arange(0, BLOCK_K)
    mask = offs_k < K
    a = tl.load(a_ptr + m * stride_am + offs_k * stride_ak, mask=mask, other=0.0).to(tl.float32)
    b = tl.load(b_ptr + offs_k * stride_bk + n * stride_bn, mask=mask, other=0.0).to(tl.float32)
    partial = tl.sum(a * b, axis=0)
    tl.store(c_ptr + m * stride_cm + n * stride_cn, partial.to(c_ptr.dtype.element_ty))  # should be tl.atomic_add


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    M, K = a.shape
    N = b.shape[1]
    c = torch.empty((M, N), dtype=a.dtype, device=a.device)
    grid = (M * N, triton.cdiv(K, 16))
    matmul_kernel[grid](
        a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1), c.stride(0), c.stride(1), BLOCK_K=16
    )
    return c
