"""One benchmark per reference kernel: sizes, inputs, the Triton launcher, the PyTorch equivalent,
bytes and flops, the figure of merit, and the target (kernels/BENCHMARKS.md) as data.

Sizes are one integer per point so that `learn bench --sizes` means something for every kernel; each
benchmark says what its integer is (`size_label`) and the shape it builds (`shape`). Bytes moved are
the least traffic the operation needs (every input read once, every output written once); flops count
the arithmetic of the formula. Both are plain functions of the size, tested against hand-computed
values in tests/kernels/test_bench_harness.py.

Nothing here imports torch, triton or the kernels at import time: `learn bench` checks its arguments
first and imports them only to measure (`measure`).
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kernels.harness import Roofline, Timer, gbps, tflops, time_ms

GBPS = "GB/s"  # memory-bound kernels: judged by bandwidth
TFLOPS = "TFLOP/s"  # compute-bound kernels: judged by arithmetic throughput

ROWS = 4096  # rows of the row-wise kernels (softmax, norms); the size is the row length, as in the Triton tutorials
ATTN_BATCH, ATTN_HEADS, ATTN_HEAD_DIM = 4, 8, 128  # batch * heads = 32, head dim 128: the attention target's point
W8A16_K = W8A16_N = 4096  # a 4096 x 4096 linear layer; the size is the number of tokens M
W4A16_K = W4A16_N = 4096  # the same layer in 4 bits
W4A16_GROUP = 128  # GPTQ's default group size
# Paged decode: a batch of sequences, Llama-3-8B-like heads (32 query heads on 8 kv heads of 128), vLLM's
# 16-token blocks; the size is every sequence's context length.
PA_SEQS, PA_HEADS, PA_KV_HEADS, PA_HEAD_DIM, PA_BLOCK = 32, 32, 8, 128, 16


@dataclass(frozen=True)
class Target:
    """A kernel's bar (kernels/BENCHMARKS.md) at the sizes it names.

    kind "bandwidth": achieved GB/s over the copy bandwidth measured in the same run, at least `at_least`.
    kind "torch": torch's time over the kernel's (a speedup; 0.9 = 10% slower than torch), at least `at_least`.
    """

    kind: str
    at_least: float
    sizes: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.kind not in ("bandwidth", "torch"):
            raise ValueError(f"unknown target kind {self.kind!r}")

    def describe(self, torch_label: str) -> str:
        if self.kind == "bandwidth":
            return f">= {self.at_least:.2f} of copy bandwidth"
        return f">= {self.at_least:.1f}x {torch_label}"


@dataclass(frozen=True)
class Case:
    """One size's inputs, bound into two zero-argument calls; `torch_context` is entered around torch's timing."""

    triton: Callable[[], object]
    torch: Callable[[], object]
    torch_context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext


@dataclass(frozen=True)
class Benchmark:
    name: str
    summary: str  # what is computed, with dtype
    size_label: str  # what the size integer counts
    sizes: tuple[int, ...]  # the default sweep; the target points are among them
    metric: str  # GBPS or TFLOPS
    bytes_formula: str  # the formulas, as documentation: `learn bench --json` and BENCHMARKS.md show them
    flops_formula: str
    nbytes: Callable[[int], int]
    flops: Callable[[int], int]
    shape: Callable[[int], str]
    setup: Callable[[int, str], Case]  # (size, device) -> inputs on the device, bound to both launchers
    torch_label: str
    targets: tuple[Target, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "size": self.size_label,
            "sizes": list(self.sizes),
            "metric": self.metric,
            "bytes": self.bytes_formula,
            "flops": self.flops_formula,
            "torch": self.torch_label,
            "targets": [
                {"kind": t.kind, "at_least": t.at_least, "sizes": list(t.sizes), "text": t.describe(self.torch_label)}
                for t in self.targets
            ],
        }


def pow2_label(n: int) -> str:
    """2^20 for powers of two, else the number with thousands separators."""
    return f"2^{n.bit_length() - 1}" if n > 0 and n & (n - 1) == 0 else f"{n:,}"


def powers_of_two(lo: int, hi: int, step: int = 1) -> tuple[int, ...]:
    return tuple(2**k for k in range(lo, hi + 1, step))


# --- inputs and launchers, one per kernel (torch and the kernels imported here, at measuring time) ---


def _vector_add(n: int, device: str) -> Case:
    import torch

    from kernels.vector_add import vector_add

    x = torch.rand(n, device=device, dtype=torch.float32)
    y = torch.rand(n, device=device, dtype=torch.float32)
    return Case(lambda: vector_add(x, y), lambda: x + y)


INT8_PARAMS = {"a_scale": 0.02, "a_zero": -3, "b_scale": 0.03, "b_zero": 5, "out_scale": 0.05, "out_zero": 1}


def _int8_add(n: int, device: str) -> Case:
    import torch

    from kernels.int8_add import int8_add, int8_add_reference

    a_q = torch.randint(-128, 128, (n,), device=device, dtype=torch.int8)
    b_q = torch.randint(-128, 128, (n,), device=device, dtype=torch.int8)
    p = INT8_PARAMS
    args = (a_q, b_q, p["a_scale"], p["a_zero"], p["b_scale"], p["b_zero"], p["out_scale"], p["out_zero"])
    # The torch side is the kernel's own integer arithmetic in eager ops: the same result, bit for bit.
    return Case(lambda: int8_add(*args), lambda: int8_add_reference(*args))


def _softmax(n_cols: int, device: str) -> Case:
    import torch

    from kernels.softmax import softmax

    x = torch.randn(ROWS, n_cols, device=device, dtype=torch.float32)
    return Case(lambda: softmax(x), lambda: torch.softmax(x, dim=-1))


def _row_inputs(n_cols: int, device: str):
    import torch

    x = torch.randn(ROWS, n_cols, device=device, dtype=torch.float16)
    weight = torch.rand(n_cols, device=device, dtype=torch.float16) + 0.5
    bias = torch.randn(n_cols, device=device, dtype=torch.float16)
    return x, weight, bias


def _layer_norm(n_cols: int, device: str) -> Case:
    import torch.nn.functional as F

    from kernels.norms import layer_norm

    x, weight, bias = _row_inputs(n_cols, device)
    return Case(
        lambda: layer_norm(x, weight, bias, eps=1e-5), lambda: F.layer_norm(x, (n_cols,), weight, bias, eps=1e-5)
    )


def rms_norm_torch(x, weight, eps: float = 1e-6):
    """Eager RMSNorm as Llama writes it: the mean square in fp32, scaled back in the input dtype."""
    import torch

    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype) * weight


def _rms_norm(n_cols: int, device: str) -> Case:
    from kernels.norms import rms_norm

    x, weight, _ = _row_inputs(n_cols, device)
    return Case(lambda: rms_norm(x, weight, eps=1e-6), lambda: rms_norm_torch(x, weight, eps=1e-6))


def _square_fp16(n: int, device: str):
    import torch

    return (
        torch.randn(n, n, device=device, dtype=torch.float16),
        torch.randn(n, n, device=device, dtype=torch.float16),
    )


def _matmul(n: int, device: str) -> Case:
    import torch

    from kernels.matmul import matmul

    a, b = _square_fp16(n, device)
    return Case(lambda: matmul(a, b), lambda: torch.matmul(a, b))


def _matmul_naive(n: int, device: str) -> Case:
    import torch

    from kernels.matmul import matmul_naive

    a, b = _square_fp16(n, device)
    return Case(lambda: matmul_naive(a, b), lambda: torch.matmul(a, b))


def dequantize_weight(w_q, scales, dtype):
    """Per-output-channel dequantization of a Linear's (N, K) int8 weight: row n times scales[n]."""
    return w_q.to(dtype) * scales.to(dtype)[:, None]


def _w8a16_matmul(m: int, device: str) -> Case:
    import torch
    import torch.nn.functional as F

    from kernels.w8a16_matmul import quantize_weight_per_channel, w8a16_matmul

    x = torch.randn(m, W8A16_K, device=device, dtype=torch.float16)
    w = torch.randn(W8A16_N, W8A16_K, device=device, dtype=torch.float16) / math.sqrt(W8A16_K)
    w_q, scales = quantize_weight_per_channel(w)
    del w
    # What eager code without a fused kernel does: dequantize the whole weight every call, then a Linear.
    return Case(lambda: w8a16_matmul(x, w_q, scales), lambda: F.linear(x, dequantize_weight(w_q, scales, x.dtype)))


def _w4a16_matmul(m: int, device: str) -> Case:
    import torch
    import torch.nn.functional as F

    from kernels.w4a16_matmul import dequantize_w4, quantize_w4, w4a16_matmul

    x = torch.randn(m, W4A16_K, device=device, dtype=torch.float16)
    w = torch.randn(W4A16_N, W4A16_K, device=device) / math.sqrt(W4A16_K)
    packed, scales, zeros = quantize_w4(w, W4A16_GROUP)
    del w

    def torch_side():
        # Eager code without a fused kernel: unpack and dequantize the whole weight every call, then a Linear.
        return F.linear(x, dequantize_w4(packed, scales, zeros, W4A16_GROUP, W4A16_K).to(x.dtype))

    return Case(lambda: w4a16_matmul(x, packed, scales, zeros, W4A16_GROUP), torch_side)


def paged_decode_inputs(context: int, device: str):
    """PA_SEQS sequences of `context` tokens each, their blocks scattered through one fp16 cache in a random
    order: (q, k_cache, v_cache, block_tables, seq_lens)."""
    import torch

    blocks = -(-context // PA_BLOCK)
    num_blocks = PA_SEQS * blocks
    cache = (num_blocks, PA_BLOCK, PA_KV_HEADS, PA_HEAD_DIM)
    k_cache = torch.randn(cache, device=device, dtype=torch.float16)
    v_cache = torch.randn(cache, device=device, dtype=torch.float16)
    tables = torch.randperm(num_blocks, device=device).to(torch.int32).reshape(PA_SEQS, blocks)
    seq_lens = torch.full((PA_SEQS,), context, device=device, dtype=torch.int32)
    q = torch.randn(PA_SEQS, PA_HEADS, PA_HEAD_DIM, device=device, dtype=torch.float16)
    return q, k_cache, v_cache, tables, seq_lens


def paged_decode_torch(q, k_cache, v_cache, block_tables, seq_lens):
    """Gather every sequence's blocks into contiguous K and V, repeat the kv heads, one masked SDPA call."""
    import torch
    import torch.nn.functional as F

    num_seqs, n_heads, head_dim = q.shape
    _, block_size, n_kv, _ = k_cache.shape
    max_len = block_tables.shape[1] * block_size
    k, v = (
        c[block_tables.long()]
        .reshape(num_seqs, max_len, n_kv, head_dim)
        .transpose(1, 2)
        .repeat_interleave(n_heads // n_kv, dim=1)
        for c in (k_cache, v_cache)
    )
    mask = (torch.arange(max_len, device=q.device)[None, :] < seq_lens[:, None])[:, None, None, :]
    return F.scaled_dot_product_attention(q[:, :, None], k, v, attn_mask=mask)[:, :, 0]


def _paged_attention(context: int, device: str) -> Case:
    from kernels.paged_attention import paged_attention_decode

    inputs = paged_decode_inputs(context, device)
    return Case(lambda: paged_attention_decode(*inputs), lambda: paged_decode_torch(*inputs))


def _paged_bytes(context: int) -> int:
    kv = 2 * PA_SEQS * context * PA_KV_HEADS * PA_HEAD_DIM * 2
    q_and_out = 2 * PA_SEQS * PA_HEADS * PA_HEAD_DIM * 2
    return kv + q_and_out + PA_SEQS * -(-context // PA_BLOCK) * 4 + PA_SEQS * 4


def _flash_attention(seq: int, device: str) -> Case:
    import torch
    import torch.nn.functional as F
    from torch.nn.attention import SDPBackend, sdpa_kernel

    from kernels.flash_attention import flash_attention

    q, k, v = (
        torch.randn(ATTN_BATCH, ATTN_HEADS, seq, ATTN_HEAD_DIM, device=device, dtype=torch.float16) for _ in range(3)
    )
    # The backend is pinned once around all of torch's timed calls, not per call: entering the
    # context manager costs microseconds, as much as a short attention call.
    return Case(
        lambda: flash_attention(q, k, v, causal=False),
        lambda: F.scaled_dot_product_attention(q, k, v),
        torch_context=lambda: sdpa_kernel(SDPBackend.FLASH_ATTENTION),
    )


VECTOR_SIZES = powers_of_two(12, 28, 2)  # 4 Ki .. 256 Mi elements: launch-bound to bandwidth-bound
ROW_SIZES = powers_of_two(8, 14)  # row length 256 .. 16384 at 4096 rows
BIG_VECTORS = (2**26, 2**28)  # 256 MiB and 1 GiB of fp32 per operand: far past L2, launch cost negligible
WIDE_ROWS = (4096, 8192)  # 4096 x 4096 and 4096 x 8192: 32-128 MiB per operand

BENCHMARKS: dict[str, Benchmark] = {
    b.name: b
    for b in (
        Benchmark(
            "vector_add",
            "z = x + y, fp32",
            "elements",
            VECTOR_SIZES,
            GBPS,
            "3 * n * 4  (read x, y; write z)",
            "n",
            lambda n: 12 * n,
            lambda n: n,
            pow2_label,
            _vector_add,
            "torch x + y",
            (Target("bandwidth", 0.90, BIG_VECTORS),),
        ),
        Benchmark(
            "int8_add",
            "quantized add, int8 in and out, per-tensor scale and zero point",
            "elements",
            VECTOR_SIZES,
            GBPS,
            "3 * n  (read a_q, b_q; write out)",
            "8 * n integer ops  (2 subtract, 2 multiply, add; round, shift, zero point)",
            lambda n: 3 * n,
            lambda n: 8 * n,
            pow2_label,
            _int8_add,
            "int8_add_reference (torch ops)",
            (Target("bandwidth", 0.90, BIG_VECTORS),),
        ),
        Benchmark(
            "softmax",
            f"row softmax of {ROWS} x N, fp32",
            f"N (row length; {ROWS} rows)",
            ROW_SIZES,
            GBPS,
            f"2 * {ROWS} * N * 4  (read x, write y)",
            f"5 * {ROWS} * N  (max, subtract, exp, sum, divide)",
            lambda n: 2 * ROWS * n * 4,
            lambda n: 5 * ROWS * n,
            lambda n: f"{ROWS}x{n}",
            _softmax,
            "torch.softmax",
            (Target("bandwidth", 0.85, WIDE_ROWS), Target("torch", 1.0, WIDE_ROWS)),
        ),
        Benchmark(
            "layer_norm",
            f"LayerNorm forward of {ROWS} x N, fp16",
            f"N (hidden size; {ROWS} rows)",
            ROW_SIZES,
            GBPS,
            f"2 * {ROWS} * N * 2 + 2 * N * 2  (read x, write y; read weight, bias)",
            f"8 * {ROWS} * N  (mean: add; variance: subtract, square, add; normalize: subtract, scale, weight, bias)",
            lambda n: 2 * ROWS * n * 2 + 2 * n * 2,
            lambda n: 8 * ROWS * n,
            lambda n: f"{ROWS}x{n}",
            _layer_norm,
            "F.layer_norm",
            (Target("bandwidth", 0.85, WIDE_ROWS), Target("torch", 1.0, WIDE_ROWS)),
        ),
        Benchmark(
            "rms_norm",
            f"RMSNorm forward of {ROWS} x N, fp16",
            f"N (hidden size; {ROWS} rows)",
            ROW_SIZES,
            GBPS,
            f"2 * {ROWS} * N * 2 + N * 2  (read x, write y; read weight)",
            f"4 * {ROWS} * N  (square, add, scale, weight)",
            lambda n: 2 * ROWS * n * 2 + n * 2,
            lambda n: 4 * ROWS * n,
            lambda n: f"{ROWS}x{n}",
            _rms_norm,
            "eager RMSNorm",
            (Target("bandwidth", 0.85, WIDE_ROWS), Target("torch", 1.0, WIDE_ROWS)),
        ),
        Benchmark(
            "matmul",
            "C = A @ B, fp16 in, fp32 accumulate, fp16 out",
            "n (M = N = K)",
            powers_of_two(8, 13),
            TFLOPS,
            "3 * n^2 * 2  (read A, B; write C)",
            "2 * n^3",
            lambda n: 6 * n * n,
            lambda n: 2 * n**3,
            lambda n: f"{n}^3",
            _matmul,
            "torch.matmul",
            (Target("torch", 0.9, (4096,)),),
        ),
        Benchmark(
            "matmul_naive",
            "C = A @ B, fp16, one program per output element (the baseline to beat)",
            "n (M = N = K)",
            powers_of_two(8, 12),
            TFLOPS,
            "3 * n^2 * 2  (read A, B; write C)",
            "2 * n^3",
            lambda n: 6 * n * n,
            lambda n: 2 * n**3,
            lambda n: f"{n}^3",
            _matmul_naive,
            "torch.matmul",
        ),
        Benchmark(
            "w8a16_matmul",
            f"y = x @ W^T, x fp16 M x {W8A16_K}, W int8 {W8A16_N} x {W8A16_K} (a Linear's weight), fp32 row scales",
            f"M (tokens; K = N = {W8A16_K})",
            (16, 64, 256, 1024, 4096),
            TFLOPS,
            f"M * {W8A16_K} * 2 + {W8A16_N} * {W8A16_K} + {W8A16_N} * 4 + M * {W8A16_N} * 2  (read x, W, scales; write y)",
            f"2 * M * {W8A16_K} * {W8A16_N}",
            lambda m: m * W8A16_K * 2 + W8A16_N * W8A16_K + W8A16_N * 4 + m * W8A16_N * 2,
            lambda m: 2 * m * W8A16_K * W8A16_N,
            lambda m: f"{m}x{W8A16_K}x{W8A16_N}",
            _w8a16_matmul,
            "torch dequantize + F.linear",
        ),
        Benchmark(
            "w4a16_matmul",
            f"y = x @ W^T, x fp16 M x {W4A16_K}, W int4 {W4A16_N} x {W4A16_K} packed two per byte, fp32 scales and "
            f"uint8 zero points per group of {W4A16_GROUP}",
            f"M (tokens; K = N = {W4A16_K})",
            (16, 64, 256, 1024, 4096),
            TFLOPS,
            f"M * {W4A16_K} * 2 + {W4A16_N} * {W4A16_K} / 2 + {W4A16_N} * {W4A16_K} / {W4A16_GROUP} * (4 + 1) "
            f"+ M * {W4A16_N} * 2  (read x, packed W, scales, zeros; write y)",
            f"2 * M * {W4A16_K} * {W4A16_N}",
            lambda m: (
                m * W4A16_K * 2 + W4A16_N * W4A16_K // 2 + W4A16_N * (W4A16_K // W4A16_GROUP) * 5 + m * W4A16_N * 2
            ),
            lambda m: 2 * m * W4A16_K * W4A16_N,
            lambda m: f"{m}x{W4A16_K}x{W4A16_N}",
            _w4a16_matmul,
            "torch unpack + dequantize + F.linear",
        ),
        Benchmark(
            "paged_attention",
            f"paged-attention decode, fp16, {PA_SEQS} sequences, {PA_HEADS} query / {PA_KV_HEADS} kv heads of "
            f"{PA_HEAD_DIM}, blocks of {PA_BLOCK} tokens",
            f"context length L (tokens of each of {PA_SEQS} sequences)",
            powers_of_two(9, 13),
            GBPS,
            f"2 * {PA_SEQS} * L * {PA_KV_HEADS} * {PA_HEAD_DIM} * 2 + 2 * {PA_SEQS} * {PA_HEADS} * {PA_HEAD_DIM} * 2 "
            f"+ {PA_SEQS} * cdiv(L, {PA_BLOCK}) * 4 + {PA_SEQS} * 4  (read K, V, q, block tables, lengths; write out)",
            f"4 * {PA_SEQS} * L * {PA_HEADS} * {PA_HEAD_DIM}  (q K^T and p V, 2 * L * d each per query head)",
            _paged_bytes,
            lambda n: 4 * PA_SEQS * n * PA_HEADS * PA_HEAD_DIM,
            lambda n: f"{PA_SEQS}x{n}",
            _paged_attention,
            "torch gather + SDPA",
        ),
        Benchmark(
            "flash_attention",
            f"attention forward, fp16, batch {ATTN_BATCH} x heads {ATTN_HEADS}, head dim {ATTN_HEAD_DIM}, not causal",
            f"sequence length ({ATTN_BATCH * ATTN_HEADS} batch x heads, head dim {ATTN_HEAD_DIM})",
            powers_of_two(9, 14),
            TFLOPS,
            f"4 * {ATTN_BATCH * ATTN_HEADS} * S * {ATTN_HEAD_DIM} * 2  (read q, k, v; write o)",
            f"4 * {ATTN_BATCH * ATTN_HEADS} * S^2 * {ATTN_HEAD_DIM}  (Q K^T and P V, 2 * S^2 * d each)",
            lambda s: 4 * ATTN_BATCH * ATTN_HEADS * s * ATTN_HEAD_DIM * 2,
            lambda s: 4 * ATTN_BATCH * ATTN_HEADS * s * s * ATTN_HEAD_DIM,
            lambda s: f"{ATTN_BATCH * ATTN_HEADS}x{s}x{ATTN_HEAD_DIM}",
            _flash_attention,
            "SDPA flash backend",
            (Target("torch", 0.8, (4096,)),),
        ),
    )
}


# --- results: the metric math, pure, so it is tested with injected timings ---


@dataclass(frozen=True)
class Measurement:
    """Median milliseconds of the Triton kernel and of the PyTorch equivalent at one size."""

    ms: float
    torch_ms: float


@dataclass(frozen=True)
class TargetCheck:
    kind: str  # as Target.kind
    at_least: float
    text: str  # the target in words
    value: float  # the measured fraction of the copy bandwidth, or speedup over torch
    met: bool

    def to_json(self) -> dict[str, Any]:
        return {"target": self.text, "kind": self.kind, "at_least": self.at_least, "value": self.value, "met": self.met}


@dataclass(frozen=True)
class Result:
    kernel: str
    size: int
    shape: str
    metric: str
    nbytes: int
    flops: int
    ms: float | None = None
    torch_ms: float | None = None
    throughput: float | None = None  # in `metric`
    torch_throughput: float | None = None
    speedup: float | None = None  # torch_ms / ms: above 1, the Triton kernel is faster
    roofline_fraction: float | None = None
    checks: tuple[TargetCheck, ...] = field(default_factory=tuple)
    error: str | None = None

    @property
    def met(self) -> bool | None:
        """All of this size's targets met; None where no target applies (or the point failed)."""
        return all(c.met for c in self.checks) if self.checks else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel,
            "size": self.size,
            "shape": self.shape,
            "metric": self.metric,
            "bytes": self.nbytes,
            "flops": self.flops,
            "ms": self.ms,
            "torch_ms": self.torch_ms,
            "throughput": self.throughput,
            "torch_throughput": self.torch_throughput,
            "speedup": self.speedup,
            "roofline_fraction": self.roofline_fraction,
            "targets": [c.to_json() for c in self.checks],
            "met": self.met,
            "error": self.error,
        }


def throughput(bench: Benchmark, size: int, ms: float) -> float:
    """The benchmark's figure of merit for a run of `ms`: GB/s or TFLOP/s."""
    return gbps(bench.nbytes(size), ms) if bench.metric == GBPS else tflops(bench.flops(size), ms)


def evaluate(bench: Benchmark, size: int, m: Measurement, roofline: Roofline) -> Result:
    """Turn two timings into throughputs, the speedup over torch, the roofline fraction and target checks."""
    nbytes, flops = bench.nbytes(size), bench.flops(size)
    speedup = m.torch_ms / m.ms
    checks = []
    for target in bench.targets:
        if size not in target.sizes:
            continue
        value = roofline.bandwidth_fraction(nbytes, m.ms) if target.kind == "bandwidth" else speedup
        checks.append(
            TargetCheck(
                target.kind, target.at_least, target.describe(bench.torch_label), value, value >= target.at_least
            )
        )
    return Result(
        bench.name,
        size,
        bench.shape(size),
        bench.metric,
        nbytes,
        flops,
        m.ms,
        m.torch_ms,
        throughput(bench, size, m.ms),
        throughput(bench, size, m.torch_ms),
        speedup,
        roofline.fraction(nbytes, flops, m.ms),
        tuple(checks),
    )


def failed(bench: Benchmark, size: int, error: str) -> Result:
    return Result(bench.name, size, bench.shape(size), bench.metric, bench.nbytes(size), bench.flops(size), error=error)


# --- measuring on the device ---


def measure(bench: Benchmark, size: int, *, device: str = "cuda", timer: Timer = time_ms) -> Measurement:
    """Build the inputs on the device, time the Triton kernel, then torch in the same state."""
    case = bench.setup(size, device)
    ms = timer(case.triton)
    with case.torch_context():
        torch_ms = timer(case.torch)
    return Measurement(ms, torch_ms)


def describe_error(exc: BaseException) -> str:
    """One line: out-of-memory said plainly, anything else as its type and first line."""
    if type(exc).__name__ == "OutOfMemoryError":
        return "out of memory at this size"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def run(
    plan: Sequence[tuple[Benchmark, Sequence[int]]],
    roofline: Roofline,
    *,
    measure_point: Callable[[Benchmark, int], Measurement] = measure,
    on_start: Callable[[Benchmark, int], None] | None = None,
    on_done: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Measure every (benchmark, size) of the plan; a point that fails (out of memory, a broken kernel)
    becomes a result with its error and the run goes on to the next."""
    results = []
    for bench, sizes in plan:
        for size in sizes:
            if on_start:
                on_start(bench, size)
            try:
                result = evaluate(bench, size, measure_point(bench, size), roofline)
            except Exception as exc:  # noqa: BLE001 - one failed point must not lose the others
                result = failed(bench, size, describe_error(exc))
            finally:
                _release_memory()
            results.append(result)
            if on_done:
                on_done(result)
    return results


def _release_memory() -> None:
    """Return the point's inputs to the device before the next (larger) size allocates its own."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


def report(
    info: dict[str, Any], roofline: Roofline, results: Iterable[Result], plan: Sequence[tuple[Benchmark, Sequence[int]]]
) -> dict[str, Any]:
    """The whole run as JSON: where it ran, the roofline, every row, and the benchmarks' definitions."""
    rows = [r.to_json() for r in results]
    checks = [c for r in rows for c in r["targets"]]
    return {
        **info,
        "roofline": roofline.to_json(),
        "rows": rows,
        "targets": {"met": sum(c["met"] for c in checks), "missed": sum(not c["met"] for c in checks)},
        "benchmarks": [bench.to_json() for bench, _ in plan],
    }
