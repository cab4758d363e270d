"""Exercise: naive matmul in Triton, one program per element of C (the "CUDA matmul (naive)" deliverable)."""

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
def matmul_kernel(
    a_ptr, b_ptr, c_ptr,  # A (M, K), B (K, N), C (M, N)
    M, N, K,
    stride_am, stride_ak,  # elements to step one row / one column of A: a.stride(0), a.stride(1)
    stride_bk, stride_bn,  # ... of B (A and B may be transposed views: use their strides, not K or N and 1)
    stride_cm, stride_cn,
    BLOCK_K: tl.constexpr,  # how much of the dot product one step loads: a power of two
):
    # TODO: one program per element of C: pid = tl.program_id(axis=0); m = pid // N, n = pid % N
    # TODO: for k in range(0, K, BLOCK_K): load A[m, k:k+BLOCK_K] and B[k:k+BLOCK_K, n], masked past K,
    #       and accumulate their product in float32
    # TODO: sum, and store to C[m, n] in C's dtype (c_ptr.dtype.element_ty)
    pass
"""

TASK = """C = A @ B, the naive way: one program per element of C, the baseline every tiled matmul beats.

Program pid computes C[m, n] = sum_k A[m, k] * B[k, n] for m = pid // N, n = pid % N:

1. The kernel, matmul_kernel: walk K in chunks of BLOCK_K (a power of two; K need not be a
   multiple of it): offs_k = k + tl.arange(0, BLOCK_K), mask = offs_k < K, load the chunk of row m
   of A (a_ptr + m * stride_am + offs_k * stride_ak) and of column n of B, masked (other=0.0), and
   accumulate a * b in a float32 vector; tl.sum it at the end and store to C[m, n] in C's dtype.
   Address everything through the strides: A and B may be transposed (non-contiguous) views.
2. The launcher, matmul(a, b): a (M, K) and b (K, N), both float32 or both float16;
   c = torch.empty((M, N), dtype=a.dtype, device=a.device); grid = (M * N,); pass a.stride(0),
   a.stride(1), b.stride(0), ... and BLOCK_K (e.g. 32). Return c.

One program owns each C[m, n] and its whole sum. (Splitting K over programs that each tl.store a
partial sum to the same C[m, n] is a race: the last writer wins. Split-K needs tl.atomic_add into a
zeroed C.) Use no tl.dot with float32 on a GPU unless input_precision="ieee": TF32 is off by ~1e-3.

The checks: 1 x 1 x 1, non-square and odd shapes (K = 7, 40, 65, 100: not multiples of BLOCK_K),
a single row, a wide row (N = 70), float16 (float32 accumulation), a transposed A and a transposed B; against a float64 matmul.
"""

# (name, M, K, N, dtype). Small M * N: the interpreter runs the M * N programs one after another (~5 ms each).
SHAPES = (
    ("1x1x1", 1, 1, 1, "float32"),
    ("4x7x5", 4, 7, 5, "float32"),
    ("5x40x3", 5, 40, 3, "float32"),
    ("3x100x2", 3, 100, 2, "float32"),
    ("1x65x7_one_row", 1, 65, 7, "float32"),
    ("float16_4x24x6", 4, 24, 6, "float16"),
    ("1x3x70_wide", 1, 3, 70, "float32"),
)


NOTES = {
    "float16_4x24x6": "float16 in and out, the sum in float32",
    "1x3x70_wide": "N = 70 spans several column tiles of a tiled kernel (BLOCK_N up to 64): every tile of C is "
    "mapped to one program (a grouped ordering with one row of tiles must still reach every column tile)",
}


def matmul_cases():
    for n, (name, m, k, cols, dtype) in enumerate(SHAPES):
        rng = seeded(64000 + n)
        yield case(
            name,
            64000 + n,
            NOTES.get(name, ""),
            a=rng.standard_normal((m, k)).astype(dtype),
            b=rng.standard_normal((k, cols)).astype(dtype),
        )
    rng = seeded(64010)
    a = rng.standard_normal((3, 30)).astype("float32")
    b_t = rng.standard_normal((5, 30)).astype("float32").T  # (30, 5), column-major: strides (1, 30)
    yield case(
        "b_transposed_view",
        64010,
        "b is a transposed view, strides (1, 30): address it with b.stride(0), b.stride(1)",
        a=a,
        b=b_t,
    )
    rng = seeded(64011)
    a_t = rng.standard_normal((30, 3)).astype("float32").T  # (3, 30), A = W.T of a contiguous W: strides (1, 3)
    yield case(
        "a_transposed_view",
        64011,
        "a is a transposed view, strides (1, 3): address it with a.stride(0), a.stride(1)",
        a=a_t,
        b=rng.standard_normal((30, 4)).astype("float32"),
    )


# -- known mistakes ---------------------------------------------------------------------------------


def _chunk_products(case):
    """{(start, stop): A[:, start:stop] @ B[start:stop]} for the first and the last chunk of K, any power-of-two chunk."""
    a, b = (np.asarray(case.kwargs[name], np.float64) for name in ("a", "b"))
    k = a.shape[1]
    found = {}
    for size in (8, 16, 32, 64, 128, 256):
        if size >= k:
            break
        last = (k - 1) // size * size
        for start, stop in ((0, size), (last, k)):
            found[(start, stop)] = a[:, start:stop] @ b[start:stop]
    return found, k


def _matches_chunk(case, actual, first: bool) -> bool:
    if not isinstance(actual, np.ndarray) or actual.ndim != 2:
        return False
    products, _ = _chunk_products(case)
    return any(
        np.allclose(actual.astype(np.float64), c, rtol=1e-2, atol=1e-2)
        for (start, stop), c in products.items()
        if (start == 0) == first and c.shape == actual.shape
    )


def _last_chunk_only(case, actual, expected) -> bool:
    """C holds the product over the LAST chunk of K only: partial sums stored over each other."""
    return _matches_chunk(case, actual, first=False)


def _first_chunk_only(case, actual, expected) -> bool:
    """C holds the product over the FIRST chunk of K only: no loop over K."""
    return _matches_chunk(case, actual, first=True)


def _rounded_to_float16(case, actual, expected) -> bool:
    """A float32 C whose every value is a float16 one: the product rounded through float16 before the store."""
    if not isinstance(actual, np.ndarray) or actual.dtype != np.float32 or not np.isfinite(actual).all():
        return False
    with np.errstate(over="ignore"):
        return bool(np.array_equal(actual.astype(np.float16).astype(np.float32), actual)) and not bool(
            np.array_equal(expected.astype(np.float16).astype(np.float32), expected)
        )


def _tiles_unwritten(case, actual, expected) -> bool:
    """Some elements of C never stored (NaN, as the checker fills torch.empty), every other one right."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    unwritten = np.isnan(actual) & ~np.isnan(expected)
    rest = ~unwritten
    return bool(unwritten.any()) and bool(
        np.allclose(actual[rest].astype(np.float64), expected[rest].astype(np.float64), rtol=2e-3, atol=2e-3)
    )


def _b_as_contiguous(a, b):
    """What a kernel computes that steps B with (N, 1) instead of its strides: B's memory read row-major."""
    import torch

    k, n = b.shape
    raw = torch.as_strided(b, (k, n), (n, 1))  # B's memory in memory order, whatever its strides
    return (a.to(torch.float64) @ raw.to(torch.float64)).to(a.dtype)


def _a_as_contiguous(a, b):
    """What a kernel computes that steps A with (K, 1) instead of its strides: A's memory read row-major."""
    import torch

    m, k = a.shape
    raw = torch.as_strided(a, (m, k), (k, 1))  # A's memory in memory order, whatever its strides
    return (raw.to(torch.float64) @ b.to(torch.float64)).to(a.dtype)


def _inputs(device, seed):
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    return tuple(torch.randn(1024, 1024, generator=g, device=device, dtype=torch.float16) for _ in range(2))


def _torch_matmul(a, b):
    return a @ b


EXERCISE = Exercise.of(
    info("triton_matmul"),
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "matmul",
            "(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor",
            "a @ b for a (M, K) and b (K, N) of one float dtype, (M, N) in that dtype, by launching "
            "matmul_kernel.\n\nGrid: one program per element of C, grid = (M * N,)",
        ),
    ),
    checks=(
        Check(
            "matmul",
            "matmul",
            matmul_cases,
            call=kernel_call("matmul"),
            tolerance={"float32": (1e-4, 1e-4), "float16": (2e-3, 2e-3)},
            description="1x1x1, K 7 / 40 / 65 / 100, one row, N = 70, float16, a transposed A and a transposed B; against a float64 matmul",
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "_matmul_naive_kernel",
            "dtype=tl.float32",
            "dtype=tl.float16",
            "under Triton's interpreter the first acc += of float32 products makes acc float32 (compiled Triton "
            "rejects the loop-carried type change): the same sums",
        ),
        Equivalent(
            "_matmul_naive_kernel",
            "range(0, K, BLOCK_K)",
            "range(0, K + 1, BLOCK_K)",
            "the extra chunk, when K is a multiple of BLOCK_K, is fully masked: it loads zeros and adds nothing",
        ),
        Equivalent(
            "_matmul_naive_kernel",
            "a.to(tl.float32) * b.to(tl.float32)",
            "a * b.to(tl.float32)",
            "a times a float32 b promotes a to float32 exactly: the same product",
        ),
        Equivalent(
            "_matmul_naive_kernel",
            "a.to(tl.float32) * b.to(tl.float32)",
            "acc += a.to(tl.float32) * b",
            "b times a float32 a promotes b to float32 exactly: the same product",
        ),
        Equivalent(
            "_matmul_naive_kernel",
            "n * stride_cn",
            "m * stride_cm + n,",
            "c is allocated contiguous by the launcher: stride_cn is 1",
        ),
        Equivalent(
            "_matmul_naive_kernel",
            "n * stride_cn",
            "n * 1",
            "c is allocated contiguous by the launcher: stride_cn is 1",
        ),
        Equivalent(
            "launch_naive",
            "c.stride(0)",
            "c.shape[-1]",
            "c is allocated contiguous by the launcher: its row stride is N",
        ),
        Equivalent(
            "launch_naive",
            "c.stride(1)",
            "1,",
            "c is allocated contiguous by the launcher: its column stride is 1",
        ),
    ),
    probes=(
        Probe(
            "C holds the product over the last chunk of K only: several programs stored their partial sums to the "
            "same C[m, n], a race (the last writer wins); keep the whole K loop in one program, or tl.atomic_add "
            "into a zeroed C",
            when=_last_chunk_only,
        ),
        Probe(
            "C holds the product over the first BLOCK_K of K only: loop over K (for k in range(0, K, BLOCK_K)) "
            "and accumulate",
            when=_first_chunk_only,
        ),
        Probe(
            "B is read as if contiguous: step it with b.stride(0) and b.stride(1) (here B is a transposed view)",
            impl={"matmul": _b_as_contiguous},
        ),
        Probe(
            "A is read as if contiguous: step it with a.stride(0) and a.stride(1) (here A is a transposed view, "
            "A = W.T)",
            impl={"matmul": _a_as_contiguous},
        ),
        Probe(
            "no mask on the last chunk of K (or one that ignores the chunk's start): its lanes past K load out of "
            "bounds; mask = offs_k < K with offs_k = k + tl.arange(0, BLOCK_K), or, where the pointers advance by "
            "BLOCK_K each step, offs_k < K - k * BLOCK_K; tl.load(..., mask=mask, other=0.0)",
            when=out_of_bounds,
        ),
        Probe(
            "C is float32 but holds float16 values: the result went through float16 before the store "
            "(acc.to(tl.float16), the tutorial's line); convert to C's own dtype, acc.to(c_ptr.dtype.element_ty)",
            when=_rounded_to_float16,
        ),
        Probe(
            "parts of C are never written (they hold torch.empty's garbage) while the rest is right: the grid or "
            "the program-to-tile mapping misses tiles. Launch cdiv(M, BLOCK_M) * cdiv(N, BLOCK_N) programs; with "
            "grouped ordering, group_size_m = min(num_pid_m - first_pid_m, GROUP_SIZE_M)",
            when=_tiles_unwritten,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched),
    ),
    benchmark=Benchmark(
        entry="matmul",
        inputs=_inputs,
        torch=_torch_matmul,
        bytes=lambda a, b: (a.numel() + b.numel() + a.shape[0] * b.shape[1]) * a.element_size(),
        flops=lambda a, b: 2 * a.shape[0] * a.shape[1] * b.shape[1],
        size="1024 x 1024 x 1024 float16",
        seed=64100,
    ),
)
