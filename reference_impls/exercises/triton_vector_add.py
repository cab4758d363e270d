"""Exercise: vector add in Triton, the kernel and its launcher (Module 1.5; the "CUDA vector add" deliverable)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Benchmark, Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._triton import (
    NOT_LAUNCHED_HINT,
    PREAMBLE,
    case,
    kernel_call,
    not_launched,
    one_past_end,
    out_of_bounds,
    seeded,
)

SIZES = (1, 97, 1000, 4097)  # no power-of-two block divides them: the last block is always partial

SCAFFOLD = """
@triton.jit
def vector_add_kernel(
    x_ptr,  # pointer to the first element of x
    y_ptr,  # ... of y
    out_ptr,  # ... of the output
    n_elements,  # how many elements (x.numel())
    BLOCK_SIZE: tl.constexpr,  # elements per program: a power of two (tl.arange needs one)
):
    # TODO: which block is this program's? (tl.program_id(axis=0))
    # TODO: its offsets, and a mask for the ones past n_elements
    # TODO: load x and y (masked), add, store (masked)
    pass
"""

TASK = """The first Triton kernel (Triton tutorial 01): out = x + y, element by element.

A launch runs many *programs* (CUDA's thread blocks) of the same kernel; program `pid` handles the
elements pid * BLOCK_SIZE ... pid * BLOCK_SIZE + BLOCK_SIZE - 1, loading them as one block.

1. The kernel, vector_add_kernel: offsets = pid * BLOCK_SIZE + tl.arange(0, BLOCK_SIZE); the last
   block runs past the end unless n_elements is a multiple of BLOCK_SIZE, so load and store under
   mask = offsets < n_elements.
2. The launcher, vector_add(x, y): allocate out = torch.empty_like(x), compute the grid (one
   program per block, rounded UP: triton.cdiv(n, BLOCK_SIZE)) and launch:
   vector_add_kernel[grid](x, y, out, n, BLOCK_SIZE=1024). Return out.

The checks: lengths 1, 97, 1000 and 4097 (never a multiple of a power-of-two block), float32 and
float16, negative values, a 2-D input (treat it as flat: n = x.numel()). Without a GPU they run in
Triton's interpreter (TRITON_INTERPRET=1, CPU tensors), where a load or store past a tensor's end
is reported with the element it touched; on a GPU the launcher is also timed against the reference
kernel and torch (GB/s, % of the copy bandwidth).
"""


def add_cases():
    for n, size in enumerate(SIZES):
        rng = seeded(61000 + n)
        yield case(
            f"n{size}",
            61000 + n,
            "" if size > 1 else "a single element: one program, one live lane",
            x=rng.standard_normal(size).astype("float32") * 4,
            y=rng.standard_normal(size).astype("float32"),
        )
    rng = seeded(61010)
    yield case(
        "float16_n1000",
        61010,
        "float16 in, float16 out",
        x=rng.standard_normal(1000).astype("float16"),
        y=rng.standard_normal(1000).astype("float16"),
    )
    rng = seeded(61011)
    yield case(
        "2d_7x129",
        61011,
        "2-D and contiguous: flat offsets over x.numel() elements; out keeps the shape",
        x=rng.standard_normal((7, 129)).astype("float32"),
        y=-rng.random((7, 129)).astype("float32"),
    )


def _tail_not_run(case, actual, expected) -> bool:
    """Wrong only from a block boundary on: the grid rounded down (n // BLOCK_SIZE programs)."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    bad = ~np.isclose(actual.astype(np.float64).ravel(), expected.astype(np.float64).ravel(), equal_nan=False)
    if not bad.any():
        return False
    first = int(np.argmax(bad))
    n = bad.size
    return (
        first > 0
        and first % 16 == 0
        and any(first == (n // b) * b and n % b for b in (16, 32, 64, 128, 256, 512, 1024, 2048, 4096))
    )


def _first_dim_only(case, actual, expected) -> bool:
    """A 2-D input added over its first x.shape[0] elements only: n taken as len(x), not x.numel()."""
    x = case.kwargs.get("x")
    if x is None or x.ndim < 2 or not isinstance(actual, np.ndarray) or actual.shape != expected.shape:
        return False
    got, want, n = actual.ravel(), expected.ravel(), x.shape[0]
    return bool(np.array_equal(got[:n], want[:n]) and not np.array_equal(got[n:], want[n:]))


def _no_mask(case, actual, expected) -> bool:
    return out_of_bounds(case, actual, expected) and not one_past_end(case, actual, expected)


def _inputs(device, seed):
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    n = 1 << 26  # 768 MB moved a call: ~0.25 ms on an H100, well above launch overhead
    return (torch.randn(n, generator=g, device=device), torch.randn(n, generator=g, device=device))


def _torch_add(x, y):
    return x + y


EXERCISE = Exercise.of(
    info("triton_vector_add"),
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "vector_add",
            "(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor",
            "x + y by launching vector_add_kernel; x, y: same shape and dtype, contiguous, on one device.\n\n"
            "Grid: one program per BLOCK_SIZE elements, rounded up: grid = (triton.cdiv(n, BLOCK_SIZE),)",
        ),
    ),
    checks=(
        Check(
            "vector_add",
            "vector_add",
            add_cases,
            call=kernel_call("vector_add"),
            description="n 1 / 97 / 1000 / 4097 float32, float16, 2-D (7, 129); against x + y",
        ),
    ),
    probes=(
        Probe(
            "no mask on the last block: the lanes past n_elements load and store out of bounds; "
            "mask = offsets < n_elements, and pass mask= to tl.load and tl.store",
            when=_no_mask,
        ),
        Probe(
            "one lane past the end: the mask lets offset n_elements itself through (offsets <= n_elements?); the last "
            "element is n_elements - 1, mask = offsets < n_elements",
            when=one_past_end,
        ),
        Probe(
            "only the first x.shape[0] elements were added: n is the number of elements, x.numel(), not len(x) "
            "or x.shape[0] (a 2-D input is added as one flat vector)",
            when=_first_dim_only,
        ),
        Probe(
            "the last partial block never ran: round the grid up, grid = (triton.cdiv(n, BLOCK_SIZE),), not n // BLOCK_SIZE",
            when=_tail_not_run,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched),
    ),
    benchmark=Benchmark(
        entry="vector_add",
        inputs=_inputs,
        torch=_torch_add,
        bytes=lambda x, y: 3 * x.numel() * x.element_size(),
        size="2^26 float32",
        seed=61100,
    ),
    equivalent_mutants=(
        Equivalent(
            "_vector_add_kernel",
            "out = x.to(tl.float32) + y.to(tl.float32)",
            "out = x + y.to(tl.float32)",
            "Triton promotes fp16 + fp32 to fp32: casting one operand is enough, the sum is the same",
        ),
        Equivalent(
            "_vector_add_kernel",
            "out = x.to(tl.float32) + y.to(tl.float32)",
            "out = x.to(tl.float32) + y",  # y's cast deleted
            "Triton promotes fp32 + fp16 to fp32: casting one operand is enough, the sum is the same",
        ),
    ),
)
