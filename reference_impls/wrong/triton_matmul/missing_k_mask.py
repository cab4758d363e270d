"""Wrong: the chunks of K are loaded without a mask, so the last chunk reads past the end of A's row
and B's column (K = 65 is not a multiple of BLOCK_K = 32)."""

import torch
import triton
import triton.language as tl

from kernels.matmul import launch_naive

EXPECTED_HINT = "no mask on the last chunk of K"
INTERPRETER_ONLY = (  # what the registry test skips where kernels run compiled
    "on a GPU the over-read lands in mapped memory: the values are wrong, but nothing names the missing mask"
)


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
        a = tl.load(a_ptr + m * stride_am + offs_k * stride_ak)
        b = tl.load(b_ptr + offs_k * stride_bk + n * stride_bn)
        acc += a.to(tl.float32) * b.to(tl.float32)
    tl.store(c_ptr + m * stride_cm + n * stride_cn, tl.sum(acc, axis=0).to(c_ptr.dtype.element_ty))


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return launch_naive(matmul_kernel, a, b, block_k=32)
