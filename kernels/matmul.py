"""Matrix multiplication C = A @ B, twice: the kernel a learner writes first, and the tiled one.

`matmul_naive`: one program per output element C[m, n], which walks row m of A and column n of B
in chunks of BLOCK_K, multiplying element-wise in fp32 and summing. Correct, and slow on purpose:
every program reloads a whole row and column (2K loads for 2K flops, no reuse), the column loads
are strided (uncoalesced), and no tensor core is used. It is the baseline the tiled kernel is
measured against.

`matmul`: one program per BLOCK_M x BLOCK_N tile of C, accumulating tl.dot of (BLOCK_M, BLOCK_K)
and (BLOCK_K, BLOCK_N) tiles in fp32 over K (tensor cores for fp16 / bf16; each loaded element is
reused BLOCK_N or BLOCK_M times). Programs are numbered in *grouped* order: GROUP_M rows of tiles
are swept column by column, so consecutive programs share tiles of A and B while they are still in
L2 (row-major launch order would stream all of B once per row of tiles). Rows and columns past
M and N are wrapped (modulo) so the inner loop's loads need no M/N mask, only a K mask; the store
is masked. fp32 inputs use input_precision="ieee" (no TF32), matching torch's default fp32 matmul.
FLOPs: 2 * M * N * K, reported as TFLOP/s.

Source: Triton tutorial 03, "Matrix Multiplication" (the kernel and its CUDA autotune configs).
Limits: 2-D operands of one dtype (fp16, bf16, fp32), any strides; the output is contiguous, in
the input dtype; no batching, no epilogue (bias, activation). Offsets are 32-bit: each operand must
have fewer than 2**31 elements.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels._launch import FLOAT_DTYPES, check_device, check_dtype, check_ndim, use_autotune

NAIVE_BLOCK_K = 64


@triton.jit
def _matmul_naive_kernel(
    a_ptr,
    b_ptr,
    c_ptr,  # A (M, K), B (K, N), C (M, N)
    M,
    N,
    K,
    stride_am,
    stride_ak,  # elements to step one row / one column of A
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_K: tl.constexpr,  # chunk of the dot product loaded at once
):
    pid = tl.program_id(axis=0)
    m = pid // N  # one program per output element, row-major
    n = pid % N
    offs_k = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_K,), dtype=tl.float32)
    for k in range(0, K, BLOCK_K):
        mask = k + offs_k < K
        a = tl.load(a_ptr + m * stride_am + (k + offs_k) * stride_ak, mask=mask, other=0.0)
        b = tl.load(b_ptr + (k + offs_k) * stride_bk + n * stride_bn, mask=mask, other=0.0)
        acc += a.to(tl.float32) * b.to(tl.float32)
    c = tl.sum(acc, axis=0)
    tl.store(c_ptr + m * stride_cm + n * stride_cn, c.to(c_ptr.dtype.element_ty))


@triton.jit
def grouped_tile(pid, M, N, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, GROUP_M: tl.constexpr):
    """(pid_m, pid_n): the tile of the (M, N) output that program `pid` computes, in grouped order:
    GROUP_M rows of tiles are swept column by column, so their A rows and B columns stay in L2."""
    num_pid_m = tl.cdiv(M, BLOCK_M)
    num_pid_n = tl.cdiv(N, BLOCK_N)
    num_pid_in_group = GROUP_M * num_pid_n
    group_id = pid // num_pid_in_group
    first_pid_m = group_id * GROUP_M
    group_size_m = min(num_pid_m - first_pid_m, GROUP_M)  # the last group may be short
    pid_m = first_pid_m + ((pid % num_pid_in_group) % group_size_m)
    pid_n = (pid % num_pid_in_group) // group_size_m
    return pid_m, pid_n


@triton.jit
def _matmul_kernel(
    a_ptr,
    b_ptr,
    c_ptr,  # A (M, K), B (K, N), C (M, N)
    M,
    N,
    K,
    stride_am,
    stride_ak,
    stride_bk,
    stride_bn,
    stride_cm,
    stride_cn,
    BLOCK_M: tl.constexpr,
    BLOCK_N: tl.constexpr,
    BLOCK_K: tl.constexpr,  # tile sizes
    GROUP_M: tl.constexpr,  # rows of tiles swept together, for L2 reuse
    INPUT_PRECISION: tl.constexpr,  # tl.dot's precision for fp32 inputs ("ieee": no TF32)
):
    pid_m, pid_n = grouped_tile(tl.program_id(axis=0), M, N, BLOCK_M, BLOCK_N, GROUP_M)

    # Pointers to the first K tile of A and of B. Rows past M (columns past N) wrap around:
    # they load valid memory and only feed outputs that the masked store drops.
    offs_am = (pid_m * BLOCK_M + tl.arange(0, BLOCK_M)) % M
    offs_bn = (pid_n * BLOCK_N + tl.arange(0, BLOCK_N)) % N
    offs_k = tl.arange(0, BLOCK_K)
    a_ptrs = a_ptr + offs_am[:, None] * stride_am + offs_k[None, :] * stride_ak
    b_ptrs = b_ptr + offs_k[:, None] * stride_bk + offs_bn[None, :] * stride_bn

    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(tl.cdiv(K, BLOCK_K)):
        k_remaining = K - k * BLOCK_K  # the last K tile is masked; zeros add nothing
        a = tl.load(a_ptrs, mask=offs_k[None, :] < k_remaining, other=0.0)
        b = tl.load(b_ptrs, mask=offs_k[:, None] < k_remaining, other=0.0)
        acc = tl.dot(a, b, acc, input_precision=INPUT_PRECISION)
        a_ptrs += BLOCK_K * stride_ak
        b_ptrs += BLOCK_K * stride_bk
    c = acc.to(c_ptr.dtype.element_ty)

    offs_cm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    offs_cn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    c_ptrs = c_ptr + offs_cm[:, None] * stride_cm + offs_cn[None, :] * stride_cn
    tl.store(c_ptrs, c, mask=(offs_cm[:, None] < M) & (offs_cn[None, :] < N))


def _config(block_m, block_n, block_k, group_m, num_stages, num_warps):
    return triton.Config(
        {"BLOCK_M": block_m, "BLOCK_N": block_n, "BLOCK_K": block_k, "GROUP_M": group_m},
        num_stages=num_stages,
        num_warps=num_warps,
    )


# The tutorial's CUDA configs; ones that do not fit shared memory (fp32 at the largest tiles) are
# skipped by the autotuner as OutOfResources.
CUDA_CONFIGS = [
    _config(128, 256, 64, 8, num_stages=3, num_warps=8),
    _config(64, 256, 32, 8, num_stages=4, num_warps=4),
    _config(128, 128, 32, 8, num_stages=4, num_warps=4),
    _config(128, 64, 32, 8, num_stages=4, num_warps=4),
    _config(64, 128, 32, 8, num_stages=4, num_warps=4),
    _config(128, 32, 32, 8, num_stages=4, num_warps=4),
    _config(64, 32, 32, 8, num_stages=5, num_warps=2),
    _config(32, 64, 32, 8, num_stages=5, num_warps=2),
]
# Under the interpreter: small tiles (cheap numpy) and a small group, so that small test shapes
# still span several groups, a short last group and masked edge tiles.
INTERPRETER_CONFIG = {"BLOCK_M": 32, "BLOCK_N": 32, "BLOCK_K": 32, "GROUP_M": 2}

_matmul_kernel_autotuned = triton.autotune(configs=CUDA_CONFIGS, key=["M", "N", "K"])(_matmul_kernel)


def matmul_naive(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b with one program per output element (fp32 accumulation), in the input dtype."""
    return launch_naive(_matmul_naive_kernel, a, b)


def launch_naive(kernel, a: torch.Tensor, b: torch.Tensor, block_k: int = NAIVE_BLOCK_K) -> torch.Tensor:
    """Run a naive-matmul `kernel` (the signature of _matmul_naive_kernel) with one program per element of
    C; the known-wrong kernels of reference_impls/wrong/triton_matmul launch through it too."""
    M, K, N = _check_operands(a, b)
    c = torch.empty((M, N), dtype=a.dtype, device=a.device)
    if M == 0 or N == 0:
        return c
    kernel[(M * N,)](
        a,
        b,
        c,
        M,
        N,
        K,
        a.stride(0),
        a.stride(1),
        b.stride(0),
        b.stride(1),
        c.stride(0),
        c.stride(1),
        BLOCK_K=block_k,
        num_warps=1,
    )
    return c


def matmul(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a @ b, tiled with grouped program order and fp32 accumulation, in the input dtype."""
    M, K, N = _check_operands(a, b)
    c = torch.empty((M, N), dtype=a.dtype, device=a.device)
    if M == 0 or N == 0:
        return c
    args = (a, b, c, M, N, K, a.stride(0), a.stride(1), b.stride(0), b.stride(1), c.stride(0), c.stride(1))
    launch_tiled(_matmul_kernel, _matmul_kernel_autotuned, INTERPRETER_CONFIG, args, M, N, a)
    return c


def launch_tiled(kernel, autotuned, interpreter_config: dict, args: tuple, M: int, N: int, a: torch.Tensor) -> None:
    """Launch a grouped-tile kernel over an (M, N) output: autotuned on CUDA, one small config in
    the interpreter; fp32 operands without TF32 (the tolerance of an fp32 matmul), 16-bit ones as they are."""
    precision = "ieee" if a.dtype == torch.float32 else "tf32"  # the latter is ignored for 16-bit inputs

    def grid(meta):
        return (triton.cdiv(M, meta["BLOCK_M"]) * triton.cdiv(N, meta["BLOCK_N"]),)

    if use_autotune(a.device):
        autotuned[grid](*args, INPUT_PRECISION=precision)
    else:
        kernel[grid](*args, **interpreter_config, INPUT_PRECISION=precision, num_warps=4)


def _check_operands(a: torch.Tensor, b: torch.Tensor) -> tuple[int, int, int]:
    check_ndim(a, "a", 2, "(M, K)")
    check_ndim(b, "b", 2, "(K, N)")
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"inner dimensions differ: a {tuple(a.shape)} @ b {tuple(b.shape)}")
    check_dtype(a, "a", FLOAT_DTYPES)
    if a.dtype != b.dtype:
        raise ValueError(f"a and b must have the same dtype, got a {a.dtype} and b {b.dtype}")
    check_device(a, b, names=("a", "b"))
    return a.shape[0], a.shape[1], b.shape[1]
