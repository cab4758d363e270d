"""Exercise: row softmax in Triton, one program per row (the "CUDA softmax" deliverable; Triton tutorial 02)."""

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

SCAFFOLD = """
@triton.jit
def softmax_kernel(
    out_ptr,  # output (n_rows, n_cols), contiguous
    in_ptr,  # input (n_rows, n_cols)
    in_row_stride,  # elements from the start of one input row to the next (x.stride(0))
    out_row_stride,
    n_cols,
    BLOCK_SIZE: tl.constexpr,  # a power of two >= n_cols: one program holds one whole row
):
    # TODO: row = tl.program_id(axis=0); column offsets tl.arange(0, BLOCK_SIZE) and their mask
    # TODO: load the row; the lanes past n_cols as -inf (other=-float("inf")), so exp gives 0 for them
    # TODO: in float32: subtract the row max, exp, divide by the sum
    # TODO: store the row (masked) in the output's dtype (out_ptr.dtype.element_ty)
    pass
"""

TASK = """Softmax over the last dim of a 2-D tensor, fused: each row read once and written once.

softmax(x)_ij = exp(x_ij - max_j x_ij) / sum_j exp(x_ij - max_j x_ij). Subtracting the row max
changes nothing mathematically and keeps exp from overflowing (exp(89) is already inf in float32).

1. The kernel, softmax_kernel: one program per row (grid = (n_rows,)), holding the whole row in one
   block: BLOCK_SIZE = triton.next_power_of_2(n_cols), a compile-time constant. Load under
   mask = cols < n_cols with other=-float("inf"): a padded lane must add exp(-inf) = 0 to the sum.
   Compute in float32 (.to(tl.float32)), store in the input's dtype.
2. The launcher, softmax(x): x is (n_rows, n_cols), float32 or float16, last dim contiguous, rows
   x.stride(0) elements apart (a view such as x_wide[:, :n] has x.stride(0) > n_cols);
   out = torch.empty_like(x); launch softmax_kernel[(n_rows,)](out, x, x.stride(0), out.stride(0),
   n_cols, BLOCK_SIZE=...). Return out.

A row belongs to one program: no other program writes its max or its sum. (Splitting a row over
several programs needs a reduction across programs, with tl.atomic_add or a second kernel: a plain
tl.store of partial sums to one address is a race, and the last writer wins.)

The checks: 97, 1000 and 4097 columns (not powers of two), rows of length 1, float16, logits near
+1000 and near -1000 (overflow and underflow without the max), a strided view (x_wide[:, :100],
row stride 160 != n_cols), against torch.softmax in float32.
"""


def softmax_cases():
    for n, (shape, scale) in enumerate((((7, 97), 3.0), ((16, 1000), 2.0), ((3, 4097), 1.0))):
        s = 63000 + n
        yield case(
            f"{shape[0]}x{shape[1]}",
            s,
            "the row is not a power of two long: BLOCK_SIZE > n_cols, the padded lanes masked",
            x=(seeded(s).standard_normal(shape) * scale).astype("float32"),
        )
    yield case("1x1", note="a single element: softmax is 1", x=np.array([[3.0]], "float32"))
    s = 63010
    yield case(
        "5x1",
        s,
        "rows of length 1: every output is 1, whatever the input",
        x=(seeded(s).standard_normal((5, 1)) * 5).astype("float32"),
    )
    s = 63011
    yield case(
        "float16_5x300",
        s,
        "float16 in and out, the arithmetic in float32",
        x=(seeded(s).standard_normal((5, 300)) * 2).astype("float16"),
    )
    s = 63012
    yield case(
        "large_positive",
        s,
        "logits near 1000: exp overflows to inf (inf / inf = nan) unless the row max is subtracted",
        x=(seeded(s).standard_normal((4, 50)) * 3 + 1000).astype("float32"),
    )
    s = 63013
    yield case(
        "large_negative",
        s,
        "logits near -1000: exp underflows to 0 (0 / 0 = nan) unless the row max is subtracted",
        x=(seeded(s).standard_normal((3, 20)) * 3 - 1000).astype("float32"),
    )
    s = 63014
    yield case(
        "strided_rows",
        s,
        "x is x_wide[:, :100] of a (6, 160) tensor: a view with row stride 160, not n_cols = 100; "
        "step rows by x.stride(0)",
        x=(seeded(s).standard_normal((6, 160)) * 3).astype("float32"),
        view_cols=100,
    )


def _softmax_call():
    """kernel_call("softmax"), taking `x_wide[:, :view_cols]` where a case gives view_cols: a strided view made
    after the engine's deep copy of the inputs (which would make it contiguous)."""
    run = kernel_call("softmax")

    def call(impl, x, view_cols=None):
        return run(impl, x=x if view_cols is None else x[:, :view_cols])

    return call


# -- known mistakes ---------------------------------------------------------------------------------


def _no_max(x):
    import torch

    e = torch.exp(x.to(torch.float32))
    return (e / e.sum(-1, keepdim=True)).to(x.dtype)


def _rows_by_n_cols(x):
    """What a kernel computes that steps rows by n_cols instead of x.stride(0): the view's memory read row-major."""
    import torch

    n_rows, n_cols = x.shape
    raw = torch.as_strided(x, (n_rows, n_cols), (n_cols, 1))
    return torch.softmax(raw.to(torch.float32), dim=-1).to(x.dtype)


def _exp2_unscaled(x):
    """tl.exp2(x - max) without the log2(e) factor: exp((x - max) * ln 2), the softmax of x * ln 2."""
    import torch

    x = x.to(torch.float32)
    return torch.softmax((x - x.amax(-1, keepdim=True)) * float(np.log(2.0)), dim=-1).to(x.dtype)


def _rows_missed(case, actual, expected) -> bool:
    """Whole rows never written (torch.empty's NaN, as the checker fills it), every other row right."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape or actual.ndim != 2:
        return False
    unwritten = np.isnan(actual).all(axis=1)
    rest = ~unwritten
    if not unwritten.any():
        return False
    if not rest.any() and float(np.abs(case.kwargs["x"]).max()) > 80:  # every row nan, and exp could overflow
        return False
    a, e = actual[rest].astype(np.float64), expected[rest].astype(np.float64)
    return bool(np.allclose(a, e, rtol=2e-3, atol=1e-5))


def _lanes_off_the_tensors(case, actual, expected) -> bool:
    """Every active lane of a load or store outside every tensor: a row offset past the end, not a tail."""
    return out_of_bounds(case, actual, expected) and "outside every tensor" in str(getattr(actual, "message", ""))


def _tail_unmasked(case, actual, expected) -> bool:
    return (
        out_of_bounds(case, actual, expected)
        and not one_past_end(case, actual, expected)
        and not _lanes_off_the_tensors(case, actual, expected)
    )


def _row_ratios(actual, expected):
    """Per row, actual / expected where expected is not tiny, when that ratio is one constant; else None."""
    if not isinstance(actual, np.ndarray) or actual.shape != expected.shape or actual.ndim != 2:
        return None
    ratios = []
    for a, e in zip(actual.astype(np.float64), expected.astype(np.float64), strict=True):
        keep = e > 1e-6
        if not keep.any() or not np.isfinite(a[keep]).all():
            return None
        r = a[keep] / e[keep]
        if np.ptp(r) > 1e-3 * max(abs(r.mean()), 1e-3):
            return None
        ratios.append(r.mean())
    return np.array(ratios)


def _sum_too_small(case, actual, expected) -> bool:
    """Each row is the softmax times a constant > 1: its denominator misses part of the row."""
    ratios = _row_ratios(actual, expected)
    return ratios is not None and bool((ratios > 1 + 1e-3).any()) and bool((ratios > 1 - 1e-3).all())


def _sum_too_big(case, actual, expected) -> bool:
    """Each row is the softmax times a constant < 1: its denominator counts more than the row."""
    ratios = _row_ratios(actual, expected)
    return ratios is not None and bool((ratios < 1 - 1e-3).any()) and bool((ratios < 1 + 1e-3).all())


def _inputs(device, seed):
    import torch

    g = torch.Generator(device=device).manual_seed(seed)
    return (torch.randn(4096, 4096, generator=g, device=device),)


def _torch_softmax(x):
    import torch

    return torch.softmax(x, dim=-1)


EXERCISE = Exercise.of(
    info("triton_softmax"),
    preamble=PREAMBLE,
    scaffold=SCAFFOLD,
    task=TASK,
    entry_points=(
        EntryPoint(
            "softmax",
            "(x: torch.Tensor) -> torch.Tensor",
            "Softmax over the last dim of a 2-D float32 / float16 tensor, same shape and dtype out, "
            "by launching softmax_kernel.\n\nGrid: one program per row, grid = (n_rows,); "
            "BLOCK_SIZE = triton.next_power_of_2(n_cols)",
        ),
    ),
    checks=(
        Check(
            "softmax",
            "softmax",
            softmax_cases,
            call=_softmax_call(),
            tolerance={"float16": (2e-3, 1e-5)},
            description="97 / 1000 / 4097 columns, rows of length 1, float16, logits near +-1000, a strided view; against torch.softmax",
        ),
    ),
    equivalent_mutants=(
        Equivalent(
            "softmax",
            "out.stride(0)",
            "out.shape[-1]",
            "out is allocated contiguous by the launcher itself: its row stride is its row length",
        ),
        Equivalent(
            "_softmax_kernel",
            ".to(tl.float32)",
            "other=-float('inf'))",
            "float16 / bfloat16 rows exponentiated in their own dtype: tl.sum accumulates in float32 anyway, and "
            "exp's rounding in float16 stays within the float16 tolerance",
        ),
    ),
    probes=(
        Probe(
            "no max subtraction: exp overflows (inf / inf = nan) or underflows (0 / 0); subtract the row max "
            "(tl.max(x, axis=0)) before tl.exp",
            impl={"softmax": _no_max},
        ),
        Probe(
            "rows stepped by n_cols, not by the row stride: x may be a view (x_wide[:, :n]) whose rows lie "
            "x.stride(0) elements apart; pass x.stride(0) and use it in the kernel",
            impl={"softmax": _rows_by_n_cols},
        ),
        Probe(
            "each row is off by one constant factor > 1: its sum covers only part of the row. Several programs "
            "storing partial sums to one address race (the last writer wins): give each row to one program, "
            "or reduce across programs with tl.atomic_add",
            when=_sum_too_small,
        ),
        Probe(
            "each row is off by one constant factor < 1: the sum counts the padded lanes past n_cols; load them "
            "as -inf (tl.load(..., mask=mask, other=-float('inf'))) so that exp gives 0",
            when=_sum_too_big,
        ),
        Probe(
            "no mask on the last block: the lanes past n_cols load and store out of bounds; "
            "mask = cols < n_cols, and pass mask= to tl.load and tl.store",
            when=_tail_unmasked,
        ),
        Probe(
            "the mask is off by one: cols <= n_cols lets lane n_cols through, one element past the row; "
            "mask = cols < n_cols",
            when=one_past_end,
        ),
        Probe(
            "a load or store lands wholly outside the tensors: a row offset past the end. Address each tensor "
            "by its own row stride (x.stride(0) for the input, out.stride(0) for the output) and keep row < n_rows",
            when=_lanes_off_the_tensors,
        ),
        Probe(
            "tl.exp2 without the log2(e) factor: exp2(x - max) is exp((x - max) * ln 2). Multiply by "
            "log2(e) = 1.4426950408889634 first, or use tl.exp",
            impl={"softmax": _exp2_unscaled},
        ),
        Probe(
            "whole rows are never written (they hold torch.empty's garbage) while the others are right: the grid "
            "or the row loop misses rows. Launch grid = (n_rows,), or loop tl.range(tl.program_id(0), n_rows, "
            "tl.num_programs(0))",
            when=_rows_missed,
        ),
        Probe(NOT_LAUNCHED_HINT, when=not_launched),
    ),
    benchmark=Benchmark(
        entry="softmax",
        inputs=_inputs,
        torch=_torch_softmax,
        bytes=lambda x: 2 * x.numel() * x.element_size(),
        size="4096 x 4096 float32",
        seed=63100,
    ),
)
