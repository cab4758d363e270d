"""Exercise: W8A16, int8 weights with one scale per output channel, in a tiled Triton matmul; the quantizer in PyTorch."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Benchmark, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._triton import (
    NOT_LAUNCHED_HINT,
    PREAMBLE,
    case,
    kernel_call,
    not_launched,
    out_of_bounds,
    seeded,
)

SCAFFOLD = """
@triton.jit
def w8a16_matmul_kernel(
    x_ptr, w_ptr, s_ptr, y_ptr,  # x (M, K) float; w_q (N, K) int8; scales (N,); y (M, N)
    M, N, K,
    stride_xm, stride_xk,
    stride_wn, stride_wk,  # w_q.stride(): w_q is (N, K), a Linear's weight; y = x @ W^T
    stride_ym, stride_yn,
    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_K: tl.constexpr,  # powers of two, each >= 16 (tl.dot)
):
    # TODO: this program's (BLOCK_M, BLOCK_N) tile of y: offs_m, offs_n from tl.program_id, and their masks
    # TODO: for k0 in range(0, K, BLOCK_K): the x tile (BLOCK_M, BLOCK_K) and the (BLOCK_K, BLOCK_N) tile of
    #       W^T, element [k, n] = w_q[n, k] at w_ptr + n * stride_wn + k * stride_wk, both masked past K;
    #       acc = tl.dot(x, w.to(x.dtype), acc)   (int8 -> x's dtype is exact; acc float32)
    # TODO: after the loop, multiply column n of acc by scales[n] (once), store in y's dtype, masked
    pass
"""

TASK = """W8A16: a linear layer's weights stored as int8 with one float scale per output channel, the activations
in 16 (or 32) bits. Half of fp16's weight bytes: decoding, which reads every weight once per token, runs
up to twice as fast.

1. quantize_weight_per_channel(w) -> (w_q (N, K) int8, scales (N,) float32), w (N, K) a Linear's weight:
   symmetric, per output row n: scale = max_k |w[n, k]| / 127 (an all-zero row: scale 1),
   w_q = clamp(round(w / scale), -127, 127) with torch.round, computed in float32 (w may be float16:
   convert it first).
2. The kernel, w8a16_matmul_kernel: y = x @ (w_q * scales[:, None])^T, a tiled matmul (one program per
   (BLOCK_M, BLOCK_N) tile of y, grid = (cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N),)). Each step of the K
   loop loads an x tile and the (BLOCK_K, BLOCK_N) tile of W^T straight from w_q (N, K) through its
   strides (no transposed copy), converts the int8 tile to x's dtype (exact: every int8 is an fp16)
   and tl.dot's it into a float32 accumulator. The scale of column n does not depend on k, so
   y[m, n] = scales[n] * sum_k x[m, k] w_q[n, k]: multiply the accumulator's columns by the scales
   once, after the loop. Mask the k past K (K need not be a multiple of BLOCK_K) and the rows and
   columns past M and N.
3. The launcher, w8a16_matmul(x, w_q, scales) -> (M, N) in x's dtype, for x (M, K) float32 or float16.
   For float32 x on a GPU pass input_precision="ieee" to tl.dot (TF32 is off by ~1e-3).

The checks: the quantizer on an all-zero row, an outlier, one row, float16 weights; the matmul for M = 1 (decode), 3, 4, 8
and 17, K 5 / 45 / 50 / 64 / 100 (not multiples of the block), N 7 to 112, every int8 code including
-128, float32 and float16, transposed x and w_q, N = 1; against dequantize-then-matmul in float64 (PyTorch).
"""


def quantize_cases():
    w = (seeded(70000).standard_normal((6, 50)) * 0.1).astype(np.float32)
    w[2] = 0.0
    w[4, 7] = 4.0
    yield case(
        "zero_row_and_outlier",
        70000,
        "row 2 is all zeros (scale 1, codes 0); row 4 holds an outlier that stretches only its own scale",
        w=w,
    )
    yield case("16x64", 70001, w=(seeded(70001).standard_normal((16, 64)) * 0.02).astype(np.float32))
    yield case("one_row", 70002, "N = 1", w=(seeded(70002).standard_normal((1, 7))).astype(np.float32))
    yield case(
        "float16_weights",
        70003,
        "a float16 model's weights: convert to float32 first (absmax / 127 in float16 rounds the scales)",
        w=(seeded(70003).standard_normal((5, 24)) * 0.05).astype(np.float16),
    )


MATMUL = (
    # (name, M, K, N, dtype, note); K <= N as in most layers (a mistaken (K, N) reading of w_q stays in bounds)
    ("decode_m1_k100", 1, 100, 112, "float32", "M = 1 (decoding one token); K = 100, not a multiple of BLOCK_K"),
    ("m3_k5_n7", 3, 5, 7, "float32", "K = 5: one partial block"),
    ("m8_k45_n70", 8, 45, 70, "float32", "N = 70: the last column tile partly outside"),
    ("m17_k50_n64", 17, 50, 64, "float32", "M = 17: two row tiles for BLOCK_M = 16"),
    ("float16_m4_k64_n40", 4, 64, 40, "float16", "float16 activations and output, float32 accumulation; K > N"),
)


def matmul_cases():
    for n, (name, m, k, cols, dtype, note) in enumerate(MATMUL):
        s = 70100 + n
        rng = seeded(s)
        w_q = rng.integers(-128, 128, (cols, k)).astype(np.int8)  # every code, -128 too
        w_q[0, : min(k, 4)] = -128
        scales = rng.uniform(0.001, 0.02, cols).astype(np.float32)
        x = rng.standard_normal((m, k)).astype(dtype)
        yield case(name, s, note, x=x, w_q=w_q, scales=scales)
    rng = seeded(70110)
    yield case(
        "transposed_views",
        70110,
        "x = x_t.T and w_q = w_t.T are transposed views, x.stride() = (1, 6) and w_q.stride() = (1, 20): "
        "address both through their strides, not K and 1",
        x=rng.standard_normal((37, 6)).astype(np.float32).T,
        w_q=rng.integers(-128, 128, (37, 20)).astype(np.int8).T,
        scales=rng.uniform(0.001, 0.02, 20).astype(np.float32),
    )
    rng = seeded(70111)
    yield case(
        "one_output_channel",
        70111,
        "N = 1: a single output channel",
        x=rng.standard_normal((2, 20)).astype(np.float32),
        w_q=rng.integers(-128, 128, (1, 20)).astype(np.int8),
        scales=np.array([0.01], np.float32),
    )


# -- known mistakes ------------------------------------------------------------------------------------------


def _weight_read_as_k_by_n(x, w_q, scales):
    """What a kernel computes that takes w_q for a (K, N) matrix: it steps k by w_q.stride(0) and n by
    w_q.stride(1) (a plain matmul's B), reading w_q's memory at k * K + n (in bounds while K <= N)."""
    import torch

    n, k = w_q.shape
    if (k - 1) * w_q.stride(0) + (n - 1) * w_q.stride(1) >= w_q.numel():
        raise IndexError("out of bounds")  # where the mistaken kernel's loads leave the tensor
    raw = torch.as_strided(w_q, (k, n), (w_q.stride(0), w_q.stride(1))).to(torch.float64)
    return ((x.to(torch.float64) @ raw) * scales.to(torch.float64)[None, :]).to(x.dtype)


def _no_scales(x, w_q, scales):
    import torch

    return (x.to(torch.float64) @ w_q.to(torch.float64).T).to(x.dtype)


def _scaled_in_loop(case, actual, expected) -> bool:
    """The scales multiplied the accumulator inside the K loop: block j's sum scaled (blocks - j) times."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    kw = case.kwargs
    x, w, s = (np.asarray(kw[n], np.float64) for n in ("x", "w_q", "scales"))
    k = x.shape[1]
    for block_k in (16, 32, 64, 128):
        if block_k >= k:
            break
        acc = np.zeros(expected.shape)
        for start in range(0, k, block_k):
            acc = (acc + x[:, start : start + block_k] @ w[:, start : start + block_k].T) * s[None, :]
        if np.allclose(actual.astype(np.float64), acc, rtol=1e-3, atol=1e-4):
            return True
    return False


def _scales_by_row(x, w_q, scales):
    """The scales loaded at the row offsets and broadcast along the columns: y[m, n] = scales[m] * (x @ w_q^T)[m, n]."""
    import torch

    m = x.shape[0]
    by_row = torch.full((m,), float("nan"), dtype=torch.float64)  # rows past N: the kernel's loads leave the tensor
    by_row[: min(m, scales.shape[0])] = scales.to(torch.float64)[:m]
    return ((x.to(torch.float64) @ w_q.to(torch.float64).T) * by_row[:, None]).to(x.dtype)


def _quantize_per_column(w):
    import torch

    w = w.to(torch.float32)
    amax = w.abs().amax(dim=0)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    return torch.clamp(torch.round(w / scales[None, :]), -127, 127).to(torch.int8), scales


def _quantize_truncated(w):
    import torch

    amax = w.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 127, torch.ones_like(amax))
    return torch.clamp(w / scales[:, None], -127, 127).to(torch.int8), scales


def _quantize_128(w):
    import torch

    amax = w.abs().amax(dim=1)
    scales = torch.where(amax > 0, amax / 128, torch.ones_like(amax))
    return torch.clamp(torch.round(w / scales[:, None]), -128, 127).to(torch.int8), scales


def _bench_inputs(device, seed):
    import torch

    g = torch.Generator(device="cpu").manual_seed(seed)
    m, k, n = 16, 4096, 4096
    w_q = torch.randint(-127, 128, (n, k), generator=g, dtype=torch.int8)
    scales = torch.rand(n, generator=g) * 0.01 + 0.001
    x = torch.randn(m, k, generator=g, dtype=torch.float16)
    return x.to(device), w_q.to(device), scales.to(device)


def _torch_dequant_matmul(x, w_q, scales):
    return x @ (w_q.to(x.dtype) * scales.to(x.dtype)[:, None]).T


EXERCISE = Exercise.of(
    info("triton_w8a16_matmul"),
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "quantize_weight_per_channel",
            "(w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]",
            "(N, K) float32 or float16 -> (w_q (N, K) int8, scales (N,) float32): symmetric, scale = absmax / 127 per row.",
        ),
        EntryPoint(
            "w8a16_matmul",
            "(x: torch.Tensor, w_q: torch.Tensor, scales: torch.Tensor) -> torch.Tensor",
            "x (M, K) @ (w_q (N, K) * scales[:, None]).T -> (M, N) in x's dtype, by launching "
            "w8a16_matmul_kernel.\n\nGrid: one program per (BLOCK_M, BLOCK_N) tile of y, "
            "grid = (triton.cdiv(M, BLOCK_M) * triton.cdiv(N, BLOCK_N),)",
        ),
    ),
    checks=(
        Check(
            "quantize",
            "quantize_weight_per_channel",
            quantize_cases,
            call=kernel_call("quantize_weight_per_channel", launches=False),
            description="an all-zero row, an outlier, 16 x 64, one row, float16 weights; int8 codes exactly",
        ),
        Check(
            "matmul",
            "w8a16_matmul",
            matmul_cases,
            call=kernel_call("w8a16_matmul"),
            tolerance={"float32": (1e-4, 1e-4), "float16": (5e-3, 1e-2)},
            description="M 1 / 3 / 4 / 8 / 17, K 5 / 45 / 50 / 64 / 100, N 1 to 112, codes -128..127, float32 and "
            "float16, transposed x and w_q; against dequantize-then-matmul in float64",
        ),
    ),
    probes=(
        Probe(
            "w_q was read as a (K, N) matrix: it is (N, K), a Linear's weight, and y = x @ W^T; the tile of W^T at "
            "[k, n] is w_q[n, k], at w_ptr + n * stride_wn + k * stride_wk (w_q.stride(0) is stride_wn)",
            impl={"w8a16_matmul": _weight_read_as_k_by_n},
        ),
        Probe(
            "the scales are missing: multiply column n of the accumulator by scales[n] after the K loop",
            impl={"w8a16_matmul": _no_scales},
        ),
        Probe(
            "the scales multiplied the accumulator inside the K loop, so the earlier blocks were scaled again at "
            "every step; apply them once, after the loop (or scale only the new block's tl.dot)",
            when=_scaled_in_loop,
        ),
        Probe(
            "the scales were applied per row of y (scales[m]): scale n belongs to output channel n, a column of y; "
            "load the scales at the column offsets and multiply acc * scales[None, :]",
            impl={"w8a16_matmul": _scales_by_row},
        ),
        Probe(
            "the absmax is taken per input column (dim 0): the scales are per OUTPUT channel, a row n of w (N, K): "
            "w.abs().amax(dim=1), one scale per row",
            impl={"quantize_weight_per_channel": _quantize_per_column},
        ),
        Probe(
            "round to the nearest code (torch.round(w / scale)): .to(torch.int8) truncates toward zero",
            impl={"quantize_weight_per_channel": _quantize_truncated},
        ),
        Probe(
            "symmetric int8 uses [-127, 127]: scale = absmax / 127, not / 128",
            impl={"quantize_weight_per_channel": _quantize_128},
        ),
        Probe(
            "a load or store ran out of bounds: mask the k past K (both x and w_q tiles) and the rows and columns "
            "past M and N; and address w_q as the (N, K) tensor it is, n * w_q.stride(0) + k * w_q.stride(1)",
            when=out_of_bounds,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched, checks=("matmul",)),
    ),
    equivalent_mutants=(
        Equivalent(
            "quantize_weight_per_channel",
            "-127, 127)",
            "-128, 127)",
            "round(w / scale) lies in [-127, 127] already (scale = absmax / 127): the clamp's bounds never bind",
        ),
        Equivalent(
            "quantize_weight_per_channel",
            "-127, 127)",
            "-127, 128)",
            "round(w / scale) lies in [-127, 127] already (scale = absmax / 127): the clamp's bounds never bind",
        ),
        Equivalent(
            "w8a16_matmul",
            "y.stride(0)",
            "y.shape[-1]",
            "y is allocated contiguous (M, N) by the launcher: its row stride is N",
        ),
        Equivalent("w8a16_matmul", "y.stride(1)", "1,", "y is allocated contiguous: its column stride is 1"),
        Equivalent(
            "_w8a16_matmul_kernel",
            "offs_yn[None, :] * stride_yn",
            "y_ptrs = y_ptr + offs_ym[:, None] * stride_ym + offs_yn[None, :]",
            "y is allocated contiguous by the launcher: stride_yn is 1",
        ),
        Equivalent(
            "_w8a16_matmul_kernel",
            "offs_yn[None, :] * stride_yn",
            "offs_yn[None, :] * 1",
            "y is allocated contiguous by the launcher: stride_yn is 1",
        ),
        Equivalent(
            "_w8a16_matmul_kernel",
            "range(tl.cdiv(K, BLOCK_K))",
            "tl.cdiv(K, BLOCK_K) + 1",
            "the extra K step is wholly masked (offs_k >= k_remaining): it loads zeros and adds nothing",
        ),
        Equivalent(
            "_w8a16_matmul_kernel",
            "tl.load(s_ptr + offs_wn).to(tl.float32)",
            "scales = tl.load(s_ptr + offs_wn)",
            "the float32 accumulator times float16 scales promotes to float32: the same product",
        ),
        Equivalent(
            "_config",
            '"GROUP_M": 8',
            '"GROUP_M": 9',
            "GROUP_M only orders the tiles among the programs (CUDA configs; the interpreter uses GROUP_M 2)",
        ),
        Equivalent(
            "_config",
            '"GROUP_M": 8',
            '"GROUP_M": 7',
            "GROUP_M only orders the tiles among the programs (CUDA configs; the interpreter uses GROUP_M 2)",
        ),
    ),
    benchmark=Benchmark(
        entry="w8a16_matmul",
        inputs=_bench_inputs,
        torch=_torch_dequant_matmul,
        bytes=lambda x, w_q, scales: (
            x.numel() * x.element_size() + w_q.numel() + scales.numel() * 4 + x.shape[0] * w_q.shape[0] * 2
        ),
        flops=lambda x, w_q, scales: 2 * x.shape[0] * x.shape[1] * w_q.shape[0],
        size="M 16 (decoding), K = N = 4096, float16 activations",
        seed=70200,
    ),
)
