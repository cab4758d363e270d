"""Weight-only int4 matmul (W4A16) with group-wise scales and zero points, the weights unpacked in registers.

A Linear layer's weight W (N, K) is quantized per group of `group_size` consecutive inputs (along K)
of each output row, asymmetric, to 4-bit codes q in [0, 15] (`quantize_w4`, GPTQ's / AutoGPTQ's
min-max quantizer, round to nearest):

    xmin = min(min(W_g), 0), xmax = max(max(W_g), 0)   (both 0: -1 and +1)
    scale = (xmax - xmin) / 15,  zero = round(-xmin / scale),  q = clamp(round(W / scale) + zero, 0, 15)
    W ~ (q - zero) * scale

Two codes share a byte (`pack_int4`): k even in the low nibble, k odd in the high nibble, so
packed[n, k // 2] = q[n, k] | q[n, k + 1] << 4 (an odd K leaves the last high nibble 0). A quarter
of fp16's bytes: decoding (M of 1 to a few tokens) reads the weights once per token and is bound by
memory, so int4 weights run up to ~4x faster there.

The kernel is a tiled matmul (Triton tutorial 03) whose B tile is built in registers each step:
load the (BLOCK_K, BLOCK_N) bytes packed[n, k // 2], shift each right by 4 * (k % 2) and mask 0xF,
look up each element's group g = k // group_size (per k, since a group may end inside a K block),
dequantize (q - zero[n, g]) * scale[n, g] in fp32, cast to x's dtype and tl.dot with fp32
accumulation. The scales do not factor out of the K sum (they change every group), unlike
w8a16_matmul.py's per-channel ones.

Source: Frantar et al. 2022, "GPTQ" (the min-max quantizer, group size 128); the int4 packing and
group-wise dequantize-in-the-loop of W4A16 kernels (AutoGPTQ / AWQ GEMM kernels, Marlin) in the plain
form of a tiled Triton matmul (AutoGPTQ packs 8 codes in an int32; here 2 per uint8, in the same
order: the lower bits hold the lower k). Limits: x (M, K) fp16 / bf16 / fp32, 2-D; zeros stored as
uint8 codes, one per group; no act-order (g_idx) permutation.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim
from kernels.matmul import grouped_tile, launch_tiled

MAXQ = 15  # 4-bit codes 0..15


def pack_int4(q: torch.Tensor) -> torch.Tensor:
    """(N, K) codes in [0, 15] (any integer dtype) -> (N, ceil(K / 2)) uint8, k even in the low nibble."""
    check_ndim(q, "q", 2, "(N, K)")
    if q.numel() and (q.min() < 0 or q.max() > MAXQ):
        raise ValueError(f"codes must lie in [0, {MAXQ}], got [{int(q.min())}, {int(q.max())}]")
    q = q.to(torch.uint8)
    if q.shape[1] % 2:
        q = torch.nn.functional.pad(q, (0, 1))  # the last high nibble: 0
    return q[:, 0::2] | (q[:, 1::2] << 4)


def unpack_int4(packed: torch.Tensor, k: int) -> torch.Tensor:
    """(N, ceil(k / 2)) uint8 -> (N, k) uint8 codes: the inverse of pack_int4."""
    check_ndim(packed, "packed", 2, "(N, ceil(K / 2))")
    check_dtype(packed, "packed", (torch.uint8,))
    if packed.shape[1] != (k + 1) // 2:
        raise ValueError(f"packed has {packed.shape[1]} bytes per row; k = {k} codes need {(k + 1) // 2}")
    both = torch.stack((packed & 0xF, packed >> 4), dim=-1)  # (N, ceil(k / 2), 2): low nibble first
    return both.reshape(packed.shape[0], -1)[:, :k]


def quantize_w4(w: torch.Tensor, group_size: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(N, K) float -> (packed (N, ceil(K / 2)) uint8, scales (N, G) float32, zeros (N, G) uint8),
    G = ceil(K / group_size); the last group may be shorter. Computed in float32."""
    check_ndim(w, "w", 2, "(N, K)")
    if group_size < 1:
        raise ValueError(f"group_size must be >= 1, got {group_size}")
    n, k = w.shape
    groups = -(-k // group_size)
    w = w.detach().to(torch.float32)
    padded = torch.nn.functional.pad(w, (0, groups * group_size - k)).reshape(n, groups, group_size)
    # Padding zeros cannot move the range: it always holds 0 (xmin <= 0 <= xmax).
    xmin = padded.amin(dim=2).clamp(max=0)
    xmax = padded.amax(dim=2).clamp(min=0)
    both_zero = (xmin == 0) & (xmax == 0)
    xmin = torch.where(both_zero, -1.0, xmin)
    xmax = torch.where(both_zero, 1.0, xmax)
    scales = (xmax - xmin) / MAXQ
    zeros = torch.round(-xmin / scales)
    index = torch.arange(k, device=w.device) // group_size
    q = torch.clamp(torch.round(w / scales[:, index]) + zeros[:, index], 0, MAXQ)
    return pack_int4(q.to(torch.uint8)), scales, zeros.to(torch.uint8)


def dequantize_w4(
    packed: torch.Tensor, scales: torch.Tensor, zeros: torch.Tensor, group_size: int, k: int
) -> torch.Tensor:
    """(N, k) float32: (q - zero) * scale, each weight with its group's scale and zero."""
    q = unpack_int4(packed, k).to(torch.float32)
    index = torch.arange(k, device=packed.device) // group_size
    return (q - zeros[:, index].to(torch.float32)) * scales[:, index].to(torch.float32)


@triton.jit
def _w4a16_matmul_kernel(
    x_ptr,
    w_ptr,
    s_ptr,
    z_ptr,
    y_ptr,  # x (M, K), packed (N, ceil(K/2)) uint8, scales and zeros (N, G), y (M, N)
    M,
    N,
    K,
    group_size,
    stride_xm,
    stride_xk,
    stride_wn,
    stride_wk,  # between two bytes of a row of packed (two k apart)
    stride_sn,
    stride_sg,
    stride_zn,
    stride_zg,
    stride_ym,
    stride_yn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,
    GROUP_M: tl.constexpr,
    INPUT_PRECISION: tl.constexpr,
):
    pid_m, pid_n = grouped_tile(tl.program_id(axis=0), M, N, BLOCK_M, BLOCK_N, GROUP_M)
    offs_m = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_n = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    mask_m = offs_m < M
    mask_n = offs_n < N
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k0 in range(0, K, BLOCK_K):
        offs_k = k0 + tl.arange(0, BLOCK_K)
        mask_k = offs_k < K
        x = tl.load(
            x_ptr + offs_m[:, None] * stride_xm + offs_k[None, :] * stride_xk,
            mask=mask_m[:, None] & mask_k[None, :],
            other=0.0,
        )
        wmask = mask_k[:, None] & mask_n[None, :]
        # The (BLOCK_K, BLOCK_N) tile of W^T: row k of it is byte k // 2 of each output row n.
        packed = tl.load(w_ptr + (offs_k // 2)[:, None] * stride_wk + offs_n[None, :] * stride_wn, mask=wmask, other=0)
        q = (packed.to(tl.int32) >> ((offs_k % 2) * 4)[:, None]) & 0xF  # k even: low nibble; odd: high
        g = offs_k // group_size  # per k: a group may end inside this block
        scale = tl.load(s_ptr + g[:, None] * stride_sg + offs_n[None, :] * stride_sn, mask=wmask, other=0.0)
        zero = tl.load(z_ptr + g[:, None] * stride_zg + offs_n[None, :] * stride_zn, mask=wmask, other=0)
        w = (q - zero.to(tl.int32)).to(tl.float32) * scale.to(tl.float32)
        acc = tl.dot(x, w.to(x.dtype), acc, input_precision=INPUT_PRECISION)
    tl.store(
        y_ptr + offs_m[:, None] * stride_ym + offs_n[None, :] * stride_yn,
        acc.to(y_ptr.dtype.element_ty),
        mask=mask_m[:, None] & mask_n[None, :],
    )


def _config(block_m, block_n, block_k, num_stages, num_warps):
    return triton.Config(
        {"BLOCK_M": block_m, "BLOCK_N": block_n, "BLOCK_K": block_k, "GROUP_M": 8},
        num_stages=num_stages,
        num_warps=num_warps,
    )


# Small M (decoding) wants narrow M tiles and deep K pipelining; large M the big tiles.
CUDA_CONFIGS = [
    _config(16, 64, 128, num_stages=4, num_warps=4),
    _config(16, 128, 64, num_stages=4, num_warps=4),
    _config(32, 64, 64, num_stages=4, num_warps=4),
    _config(64, 128, 64, num_stages=4, num_warps=4),
    _config(128, 128, 32, num_stages=3, num_warps=8),
]
INTERPRETER_CONFIG = {"BLOCK_M": 16, "BLOCK_N": 32, "BLOCK_K": 32, "GROUP_M": 2}

_w4a16_matmul_kernel_autotuned = triton.autotune(configs=CUDA_CONFIGS, key=["M", "N", "K"])(_w4a16_matmul_kernel)


def w4a16_matmul(
    x: torch.Tensor, packed: torch.Tensor, scales: torch.Tensor, zeros: torch.Tensor, group_size: int
) -> torch.Tensor:
    """x (M, K) @ dequantize_w4(packed, scales, zeros, group_size, K).T -> (M, N) in x's dtype, fp32 accumulation."""
    check_ndim(x, "x", 2, "(M, K)")
    check_ndim(packed, "packed", 2, "(N, ceil(K / 2))")
    M, K = x.shape
    N = packed.shape[0]
    if group_size < 1:
        raise ValueError(f"group_size must be >= 1, got {group_size}")
    groups = -(-K // group_size)
    if packed.shape[1] != (K + 1) // 2:
        raise ValueError(f"packed {tuple(packed.shape)} must hold ceil(K / 2) = {(K + 1) // 2} bytes per row (K = {K})")
    if scales.shape != (N, groups) or zeros.shape != (N, groups):
        raise ValueError(
            f"scales {tuple(scales.shape)} and zeros {tuple(zeros.shape)} must be (N, ceil(K / group_size)) = "
            f"({N}, {groups}) for group_size {group_size}"
        )
    check_dtype(x, "x", FLOAT_DTYPES)
    check_dtype(packed, "packed", (torch.uint8,))
    check_dtype(scales, "scales", FLOAT_DTYPES)
    check_dtype(zeros, "zeros", (torch.uint8,))
    check_device(x, packed, scales, zeros, names=("x", "packed", "scales", "zeros"))
    y = torch.empty((M, N), dtype=x.dtype, device=x.device)
    if M == 0 or N == 0:
        return y
    args = (x, packed, scales, zeros, y, M, N, K, group_size, *x.stride(), *packed.stride(), *scales.stride())
    args = (*args, *zeros.stride(), *y.stride())
    launch_tiled(_w4a16_matmul_kernel, _w4a16_matmul_kernel_autotuned, INTERPRETER_CONFIG, args, M, N, x)
    return y
