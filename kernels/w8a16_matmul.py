"""Weight-only int8 matmul (W8A16): y = x @ (w_q * scales[:, None]).T with int8 weights.

A Linear layer's weight W (N, K) is stored as int8 w_q with one scale per output channel (row),
symmetric: scales = max|W[n, :]| / 127, w_q = round(W / scales[:, None]) in [-127, 127]
(`quantize_weight_per_channel`, a CPU/any-device helper in plain torch). Halving the weight bytes
against fp16 is what speeds up memory-bound decoding, where M (tokens) is small.

The kernel is the tiled, grouped matmul of matmul.py with B = w_q.T read through strides (no
transposed copy). Inside the K loop each int8 tile is converted to x's dtype (exact: int8 values are
exact in fp16 / bf16) and multiplied on the tensor cores with fp32 accumulation; the scales are
applied once, to the fp32 accumulator after the loop:

    y[m, n] = sum_k x[m, k] * w_q[n, k] * s[n] = s[n] * sum_k x[m, k] * w_q[n, k]

which is exact algebra for per-output-channel scales (s[n] does not depend on k) and rounds less
than dequantizing every weight to fp16 first. Group-wise scales (one per K block) would instead
have to be applied inside the loop.

Source: the tiled matmul of Triton tutorial 03; weight-only quantization as in LLM.int8() /
GPTQ-style W8A16 kernels (per-channel, no zero-point). Limits: x (M, K) fp16 / bf16 / fp32 (2-D;
flatten leading dims first), w_q (N, K) int8, scales (N,) float; output (M, N) in x's dtype.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim
from kernels.matmul import grouped_tile, launch_tiled


def quantize_weight_per_channel(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric per-output-channel int8: (w_q int8 (N, K), scales float32 (N,)), scale = absmax / 127."""
    check_ndim(w, "w", 2, "(N, K)")
    w = w.detach().to(torch.float32)
    absmax = w.abs().amax(dim=1)
    scales = torch.where(absmax > 0, absmax / 127, torch.ones_like(absmax))  # an all-zero row keeps scale 1
    w_q = torch.clamp(torch.round(w / scales[:, None]), -127, 127).to(torch.int8)
    return w_q, scales


@triton.jit
def _w8a16_matmul_kernel(
    x_ptr,
    w_ptr,
    s_ptr,
    y_ptr,  # x (M, K), w_q (N, K) int8, scales (N,), y (M, N)
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
    GROUP_M: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,  # tl.dot's precision for fp32 x ("ieee": no TF32)
):
    pid_m, pid_n = grouped_tile(tl.program_id(axis=0), M, N, BLOCK_M, BLOCK_N, GROUP_M)  # as in matmul.py

    offs_xm = (pid_m * BLOCK_M + tl.arange(0, BLOCK_M)) % M  # wrapped: see matmul.py
    offs_wn = (pid_n * BLOCK_N + tl.arange(0, BLOCK_N)) % N
    offs_k = tl.arange(0, BLOCK_K)
    x_ptrs = x_ptr + offs_xm[:, None] * stride_xm + offs_k[None, :] * stride_xk
    # The (BLOCK_K, BLOCK_N) tile of w_q.T, read from w_q (N, K) through its strides.
    w_ptrs = w_ptr + offs_k[:, None] * stride_wk + offs_wn[None, :] * stride_wn

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(tl.cdiv(K, BLOCK_K)):
        k_remaining = K - k * BLOCK_K
        x = tl.load(x_ptrs, mask=offs_k[None, :] < k_remaining, other=0.0)
        w = tl.load(w_ptrs, mask=offs_k[:, None] < k_remaining, other=0)
        acc = tl.dot(x, w.to(x.dtype), acc, input_precision=INPUT_PRECISION)  # int8 -> x's dtype is exact
        x_ptrs += BLOCK_K * stride_xk
        w_ptrs += BLOCK_K * stride_wk

    # Per-output-channel scales factor out of the K sum: apply them once, in fp32.
    scales = tl.load(s_ptr + offs_wn).to(tl.float32)
    y = (acc * scales[None, :]).to(y_ptr.dtype.element_ty)

    offs_ym = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_yn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    y_ptrs = y_ptr + offs_ym[:, None] * stride_ym + offs_yn[None, :] * stride_yn
    tl.store(y_ptrs, y, mask=(offs_ym[:, None] < M) & (offs_yn[None, :] < N))


def _config(block_m, block_n, block_k, num_stages, num_warps):
    return triton.Config(
        {"BLOCK_M": block_m, "BLOCK_N": block_n, "BLOCK_K": block_k, "GROUP_M": 8},
        num_stages=num_stages,
        num_warps=num_warps,
    )


# Small M (decoding) wants narrow M tiles and deep K pipelining; large M wants the big tiles.
CUDA_CONFIGS = [
    _config(16, 64, 128, num_stages=4, num_warps=4),
    _config(16, 128, 128, num_stages=4, num_warps=4),
    _config(32, 64, 64, num_stages=4, num_warps=4),
    _config(64, 128, 64, num_stages=4, num_warps=4),
    _config(128, 128, 32, num_stages=4, num_warps=4),
    _config(128, 256, 64, num_stages=3, num_warps=8),
]
INTERPRETER_CONFIG = {"BLOCK_M": 16, "BLOCK_N": 32, "BLOCK_K": 32, "GROUP_M": 2}

_w8a16_matmul_kernel_autotuned = triton.autotune(configs=CUDA_CONFIGS, key=["M", "N", "K"])(_w8a16_matmul_kernel)


def w8a16_matmul(x: torch.Tensor, w_q: torch.Tensor, scales: torch.Tensor) -> torch.Tensor:
    """x (M, K) @ (w_q (N, K) int8 * scales (N,)[:, None]).T -> (M, N) in x's dtype, fp32 accumulation."""
    check_ndim(x, "x", 2, "(M, K)")
    check_ndim(w_q, "w_q", 2, "(N, K)")
    if x.shape[1] != w_q.shape[1]:
        raise ValueError(f"x {tuple(x.shape)} and w_q {tuple(w_q.shape)} must share K (x's dim 1, w_q's dim 1)")
    if scales.shape != (w_q.shape[0],):
        raise ValueError(
            f"scales must have shape ({w_q.shape[0]},), one per row of w_q {tuple(w_q.shape)}, "
            f"got {tuple(scales.shape)}"
        )
    check_dtype(x, "x", FLOAT_DTYPES)
    check_dtype(w_q, "w_q", (torch.int8,))
    check_dtype(scales, "scales", FLOAT_DTYPES)
    check_device(x, w_q, scales, names=("x", "w_q", "scales"))
    M, K = x.shape
    N = w_q.shape[0]
    y = torch.empty((M, N), dtype=x.dtype, device=x.device)
    if M == 0 or N == 0:
        return y
    args = (
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
    )
    launch_tiled(_w8a16_matmul_kernel, _w8a16_matmul_kernel_autotuned, INTERPRETER_CONFIG, args, M, N, x)
    return y
