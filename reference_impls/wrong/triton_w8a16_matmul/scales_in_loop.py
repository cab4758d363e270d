"""Wrong: the per-channel scales moved into the K loop and applied to the accumulator: acc = (acc + x_blk @
w_blk) * s at every step, so block j's sum is multiplied by s once per remaining block. Right only when K fits in
one block (K = 5 here)."""

import torch
import triton
import triton.language as tl

from reference_impls.triton.w8a16 import quantize_weight_per_channel  # noqa: F401 - an entry point

EXPECTED_HINT = "the scales multiplied the accumulator inside the K loop"


@triton.jit
def w8a16_matmul_kernel(
    x_ptr,
    w_ptr,
    s_ptr,
    y_ptr,
    M,
    N,
    K,
    stride_xm,
    stride_xk,
    stride_wn,
    stride_wk,
    stride_ym,
    stride_yn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
):
    pid = tl.program_id(0)
    num_n = tl.cdiv(N, BLOCK_N)
    offs_m = (pid // num_n) * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = (pid % num_n) * BLOCK_N + tl.arange(0, BLOCK_N)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        x = tl.load(
            x_ptr + offs_m[:, None] * stride_xm + offs_k[None, :] * stride_xk,
            mask=(offs_m[:, None] < M) & (offs_k[None, :] < K),
            other=0.0,
        )
        w = tl.load(
            w_ptr + offs_k[:, None] * stride_wk + offs_n[None, :] * stride_wn,
            mask=(offs_k[:, None] < K) & (offs_n[None, :] < N),
            other=0,
        )
        scales = tl.load(s_ptr + offs_n, mask=offs_n < N, other=0.0)
        # the mistake: the scales multiply the whole accumulator at every step, the earlier blocks' sums again
        acc = tl.dot(x, w.to(x.dtype), acc, input_precision="ieee") * scales[None, :]
    tl.store(
        y_ptr + offs_m[:, None] * stride_ym + offs_n[None, :] * stride_yn,
        acc.to(y_ptr.dtype.element_ty),
        mask=(offs_m[:, None] < M) & (offs_n[None, :] < N),
    )


def w8a16_matmul(x, w_q, scales):
    M, K = x.shape
    N = w_q.shape[0]
    y = torch.empty((M, N), dtype=x.dtype, device=x.device)
    grid = (triton.cdiv(M, 16) * triton.cdiv(N, 32),)
    w8a16_matmul_kernel[grid](
        x,
        w_q,
        scales,
        y,
        M,
        N,
        K,
        x.stride(0),
        x.stride(1),
        w_q.stride(0),
        w_q.stride(1),
        y.stride(0),
        y.stride(1),
        BLOCK_M=16,
        BLOCK_N=32,
        BLOCK_K=32,
    )
    return y
