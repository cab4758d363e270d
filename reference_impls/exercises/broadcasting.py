"""Exercise: broadcasting rules and keepdim (the PyTorch Round 1 plan), dot product vs matmul."""

from reference_impls.catalog import info
from reference_impls.exercise import Check, EntryPoint, Equivalent, Exercise, Probe
from reference_impls.exercises._torch import case, fn_call, randn, scoped, seeded

PREAMBLE = "import torch\n"

SHAPE_PAIRS = [
    ((3, 4), (4,)),
    ((3, 1), (1, 4)),
    ((2, 1, 4), (3, 1)),
    ((), (5, 2)),
    ((5, 3, 4), (3, 1)),
    ((3,), (4,)),
    ((2, 3), (3, 2)),
    ((1, 0), (3, 1)),
    ((6,), (6,)),
    ((8, 1, 6, 1), (7, 1, 5)),
]
TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}


def shape_cases():
    for a, b in SHAPE_PAIRS:
        name = f"{a}_and_{b}".replace(" ", "")
        note = (
            "incompatible: None"
            if (a, b) in (((3,), (4,)), ((2, 3), (3, 2)))
            else ("a size 0 broadcasts like any other size against 1" if 0 in a else "")
        )
        yield case(name, shape_a=a, shape_b=b, note=note)


def matrix_cases(positive=False):
    def make():
        for n, (shape, dtype) in enumerate([((4, 4), "float32"), ((3, 5), "float64"), ((6, 2), "float32")]):
            s = 54000 + n
            x = randn(seeded(s), shape, dtype, 2.0)
            if positive:
                x = abs(x) + 0.1
            yield case(
                "square_keepdim_trap" if shape[0] == shape[1] else f"{shape[0]}x{shape[1]}",
                s,
                x=x,
                note="square: a reduction without keepdim=True lines up with the wrong axis and still runs"
                if shape[0] == shape[1]
                else "",
            )

    return make


def pair_cases(same_rows):
    def make():
        for n, (N, M, D, dtype) in enumerate([(5, 4, 3, "float64"), (3, 3, 2, "float32"), (1, 6, 4, "float32")]):
            s = 54100 + n
            rng = seeded(s)
            yield case(
                f"N{N}_M{M if not same_rows else N}_D{D}",
                s,
                a=randn(rng, (N, D), dtype),
                b=randn(rng, ((N if same_rows else M), D), dtype),
            )

    return make


def outer_cases():
    for n, (N, M) in enumerate([(4, 3), (1, 5), (3, 3)]):
        s = 54200 + n
        rng = seeded(s)
        yield case(f"{N}_by_{M}", s, a=randn(rng, (N,), "float64"), b=randn(rng, (M,), "float64"))


# -- known mistakes -----------------------------------------------------------------------------------


def _left_aligned(shape_a, shape_b):
    a, b = tuple(shape_a), tuple(shape_b)
    n = max(len(a), len(b))
    a, b = a + (1,) * (n - len(a)), b + (1,) * (n - len(b))  # padded on the wrong side
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(y if x == 1 else x)
    return tuple(out)


def _row_normalize_no_keepdim(x):
    return x / x.sum(dim=1)


def _row_normalize_columns(x):
    return x / x.sum(dim=0, keepdim=True)


def _square_rooted(case, actual, expected):
    """The learner's output squared is the reference's: distances where the task asks for squared ones."""
    import numpy as np

    try:
        a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == e.shape and a.size > 0 and bool(np.allclose(a * a, e, rtol=1e-4, atol=1e-6))


def _standardize_unbiased(x):
    return (x - x.mean(dim=0, keepdim=True)) / x.std(dim=0, keepdim=True)


def _batched_dot_matmul(a, b):
    return a @ b.T


EXERCISE = scoped(
    Exercise.of(
        info("broadcasting"),
        preamble=PREAMBLE,
        task="""Broadcasting aligns shapes from the RIGHT; two sizes match when equal or when one is 1 (a missing
leading dimension counts as 1); the result takes the larger. No Python loops over elements.

1. broadcast_shape(shape_a, shape_b): the broadcast shape as a tuple, or None when they do not
   broadcast (without calling torch.broadcast_shapes, the oracle).
2. row_normalize(x (N, C)): each row divided by its sum: x / x.sum(dim=1, keepdim=True).
3. standardize_columns(x (N, C)): (x - column mean) / column std, the POPULATION std
   (correction=0; torch.std's default is the unbiased one, numpy's np.std is not).
4. pairwise_sq_distances(a (N, D), b (M, D)) -> (N, M): |a_i - b_j|^2 by broadcasting
   (N, 1, D) - (1, M, D).
5. batched_dot(a (B, D), b (B, D)) -> (B,): the dot product of each PAIR of rows (not a @ b.T, which is
   (B, B) and computes every pair).
6. outer(a (N,), b (M,)) -> (N, M): a_i b_j, with a[:, None] * b[None, :].""",
        entry_points=(
            EntryPoint("broadcast_shape", "(shape_a, shape_b)", "A tuple of ints, or None."),
            EntryPoint("row_normalize", "(x)", "(N, C), rows summing to 1."),
            EntryPoint("standardize_columns", "(x)", "(N, C), columns of mean 0 and population std 1."),
            EntryPoint("pairwise_sq_distances", "(a, b)", "(N, M) squared Euclidean distances."),
            EntryPoint("batched_dot", "(a, b)", "(B,) row-wise dot products."),
            EntryPoint("outer", "(a, b)", "(N, M) outer product."),
        ),
        checks=(
            Check(
                "broadcast_shape",
                "broadcast_shape",
                shape_cases,
                call=fn_call("broadcast_shape"),
                description="10 pairs: trailing alignment, size-1 stretching, scalars, size 0, incompatible ones",
            ),
            Check(
                "row_normalize",
                "row_normalize",
                matrix_cases(positive=True),
                call=fn_call("row_normalize"),
                tolerance=TOL,
                description="square (keepdim trap), 3 x 5, 6 x 2",
            ),
            Check(
                "standardize_columns",
                "standardize_columns",
                matrix_cases(),
                call=fn_call("standardize_columns"),
                tolerance=TOL,
                description="the same shapes",
            ),
            Check(
                "pairwise_sq_distances",
                "pairwise_sq_distances",
                pair_cases(False),
                call=fn_call("pairwise_sq_distances"),
                tolerance=TOL,
                description="N 5 / 3 / 1 against M 4 / 3 / 6",
            ),
            Check(
                "batched_dot",
                "batched_dot",
                pair_cases(True),
                call=fn_call("batched_dot"),
                tolerance=TOL,
                description="B 5 / 3 / 1",
            ),
            Check(
                "outer", "outer", outer_cases, call=fn_call("outer"), tolerance=TOL, description="4 x 3, 1 x 5, 3 x 3"
            ),
        ),
        probes=(
            Probe(
                "shapes aligned from the LEFT: broadcasting pads the shorter shape with 1s on the left and compares the "
                "trailing dimensions first",
                impl={"broadcast_shape": _left_aligned},
            ),
            Probe(
                "keepdim missing: x.sum(dim=1) has shape (N,), which lines up with the COLUMNS; keep it as (N, 1)",
                impl={"row_normalize": _row_normalize_no_keepdim},
            ),
            Probe(
                "divided by the column sums (dim=0): each ROW is divided by its own sum, x.sum(dim=1, keepdim=True)",
                impl={"row_normalize": _row_normalize_columns},
            ),
            Probe(
                "these are the distances, not the SQUARED distances: drop the square root (no torch.cdist or .norm; "
                "((a[:, None] - b[None]) ** 2).sum(-1))",
                when=_square_rooted,
                checks=("pairwise_sq_distances",),
            ),
            Probe(
                "torch.std is unbiased by default (divides by N - 1): use correction=0 (or unbiased=False) for the "
                "population std",
                impl={"standardize_columns": _standardize_unbiased},
            ),
            Probe(
                "a @ b.T computes every pair of rows (B, B): the dot product of row b with row b is the sum of the "
                "elementwise product, (a * b).sum(-1)",
                impl={"batched_dot": _batched_dot_matmul},
            ),
            Probe(
                "incompatible shapes must give None (two sizes that differ and are both not 1)",
                impl="wrong/broadcasting/no_incompatible.py",
                checks=("broadcast_shape",),
            ),
        ),
        equivalent_mutants=(
            Equivalent(
                "standardize_columns",
                "x.mean(dim=0, keepdim=True)",
                "x.mean(dim=0)",
                ("a (C,) mean broadcasts against (N, C) along the last axis, the columns: the same as (1, C)"),
            ),
            Equivalent(
                "standardize_columns",
                "x.mean(dim=0, keepdim=True)",
                "keepdim=False",
                ("a (C,) mean broadcasts against (N, C) along the last axis, the columns: the same as (1, C)"),
            ),
            Equivalent(
                "standardize_columns",
                "x.std(dim=0, correction=0, keepdim=True)",
                "x.std(dim=0, correction=0)",
                "a (C,) std divides (N, C) column by column: the same as (1, C)",
            ),
            Equivalent(
                "standardize_columns",
                "x.std(dim=0, correction=0, keepdim=True)",
                "correction=0, keepdim=False",
                "a (C,) std divides (N, C) column by column: the same as (1, C)",
            ),
        ),
    )
)
