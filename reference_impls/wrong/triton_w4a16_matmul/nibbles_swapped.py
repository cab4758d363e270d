"""Wrong: the kernel reads k even from the high nibble and k odd from the low one (the order of some other
formats); the packing it is given puts k even in the low nibble."""

import torch
import triton
import triton.language as tl

from reference_impls.triton.w4a16 import dequantize_w4, pack_int4, quantize_w4, unpack_int4  # noqa: F401 - entry points

EXPECTED_HINT = "the nibbles are swapped"


@triton.jit
def w4a16_matmul_kernel(
    x_ptr,
    w_ptr,
    s_ptr,
    z_ptr,
    y_ptr,
    M,
    N,
    K,
    group_size,
    stride_xm,
    stride_xk,
    stride_wn,
    stride_wk,
    stride_sn,
    stride_sg,
    stride_zn,
    stride_zg,
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
        wmask = (offs_k[:, None] < K) & (offs_n[None, :] < N)
        byte = tl.load(w_ptr + offs_n[None, :] * stride_wn + (offs_k[:, None] // 2) * stride_wk, mask=wmask, other=0)
        q = (byte.to(tl.int32) >> ((1 - offs_k[:, None] % 2) * 4)) & 0xF  # the mistake: k even from the high nibble
        g = offs_k // group_size
        scale = tl.load(s_ptr + offs_n[None, :] * stride_sn + g[:, None] * stride_sg, mask=wmask, other=0.0)
        zero = tl.load(z_ptr + offs_n[None, :] * stride_zn + g[:, None] * stride_zg, mask=wmask, other=0).to(tl.int32)
        w = (q - zero).to(tl.float32) * scale
        acc += tl.dot(x, w.to(x.dtype), input_precision="ieee")
    tl.store(
        y_ptr + offs_m[:, None] * stride_ym + offs_n[None, :] * stride_yn,
        acc.to(y_ptr.dtype.element_ty),
        mask=(offs_m[:, None] < M) & (offs_n[None, :] < N),
    )


def w4a16_matmul(x, packed, scales, zeros, group_size):
    M, K = x.shape
    N = packed.shape[0]
    y = torch.empty((M, N), dtype=x.dtype, device=x.device)
    block_m, block_n, block_k = 16, 32, 32
    grid = (triton.cdiv(M, block_m) * triton.cdiv(N, block_n),)
    w4a16_matmul_kernel[grid](
        x,
        packed,
        scales,
        zeros,
        y,
        M,
        N,
        K,
        group_size,
        *x.stride(),
        *packed.stride(),
        *scales.stride(),
        *zeros.stride(),
        *y.stride(),
        BLOCK_M=block_m,
        BLOCK_N=block_n,
        BLOCK_K=block_k,
    )
    return y
