"""Exercise: numerically stable softmax over an axis, and its backward pass (the worked example of the spec)."""

import numpy as np

from reference_impls.catalog import info
from reference_impls.exercise import Case, Check, EntryPoint, Exercise, Probe, grid, magnitude_tolerance
from reference_impls.exercises._precision import computed_in_float32, float32_hint
from reference_impls.numpy import softmax as reference

SHAPES = [(4, 7), (3, 5, 6), (1, 9), (8,)]


def _logits(rng, shape, dtype, scale=3.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(dtype)


def forward_cases():
    for rng, shape, dtype, seed in grid(SHAPES, seed=100, fresh=2):
        yield Case("random", (_logits(rng, shape, dtype),), {"axis": -1}, seed=seed)
    for rng, shape, dtype, seed in grid([(5, 3)], seed=400, fresh=1):
        yield Case("axis_0", (_logits(rng, shape, dtype),), {"axis": 0}, seed=seed, note="normalize each column")
    for rng, shape, dtype, seed in grid([(2, 4, 3)], ("float64",), seed=500):
        yield Case("axis_middle", (_logits(rng, shape, dtype),), {"axis": 1}, seed=seed, note="axis=1 of a 3-D array")
    for rng, shape, dtype, seed in grid([(6, 6)], ("float32",), seed=600):
        yield Case(
            "keepdim_trap",
            (_logits(rng, shape, dtype),),
            {"axis": -1},
            seed=seed,
            note="square input: sums without keepdims=True broadcast along the wrong axis without an error",
        )
    yield Case(
        "size_one_axis",
        (np.array([[0.5], [-2.0], [30.0]], dtype="float32"),),
        {"axis": -1},
        note="an axis of size 1: every output is 1",
    )
    yield Case("all_equal", (np.full((3, 4), 7.0),), {"axis": -1}, note="equal logits: uniform 1/4")
    masked = _logits(np.random.default_rng(700), (3, 5), "float64")
    masked[:, 3:] = -np.inf
    yield Case(
        "masked_with_neg_inf",
        (masked,),
        {"axis": -1},
        seed=700,
        note="-inf logits (an attention mask) get probability 0; the rest still sum to 1",
    )
    yield Case(
        "empty_batch", (np.zeros((0, 5), dtype="float32"),), {"axis": -1}, note="no rows: return an empty (0, 5) array"
    )
    yield Case(
        "empty_axis",
        (np.zeros((3, 0), dtype="float64"),),
        {"axis": -1},
        note="rows of no logits: return an empty (3, 0) array (np.max of an empty axis raises)",
    )
    yield Case("single_logit", (np.array([-4.0], dtype="float32"),), {"axis": -1}, note="one logit: probability 1")


LARGE = 1000.0  # logits near +-LARGE: the tolerance of these cases grows with it (magnitude_tolerance)


def large_cases():
    for rng, shape, dtype, seed in grid([(4, 7)], seed=200):
        yield Case(
            "large_logits",
            (_logits(rng, shape, dtype, shift=LARGE),),
            {"axis": -1},
            seed=seed,
            note="logits near 1000: exp() overflows to inf unless the row max is subtracted first",
        )
    for rng, shape, dtype, seed in grid([(4, 7)], ("float32",), seed=300):
        yield Case(
            "very_negative_logits",
            (_logits(rng, shape, dtype, shift=-LARGE),),
            {"axis": -1},
            seed=seed,
            note="logits near -1000: every exp() underflows to 0 and 0 / 0 = nan without max subtraction",
        )
    for rng, shape, dtype, seed in grid([(3, 6)], seed=650):
        x = _logits(rng, shape, dtype) + np.array([[0.0], [LARGE], [-LARGE]], dtype=dtype)
        yield Case(
            "rows_at_different_scales",
            (x,),
            {"axis": -1},
            seed=seed,
            note="rows near 0, +1000 and -1000 in one batch: the max must be each row's, not the whole array's "
            "(exp(x - 1000) underflows the row near 0 to 0 / 0)",
        )


def backward_cases():
    for rng, shape, dtype, seed in grid(SHAPES, seed=1100, fresh=2):
        y = reference.softmax(_logits(rng, shape, dtype))
        yield Case("random", (rng.standard_normal(shape).astype(dtype), y), {"axis": -1}, seed=seed)
    for rng, shape, dtype, seed in grid([(5, 3)], seed=1200):
        y = reference.softmax(_logits(rng, shape, dtype), axis=0)
        yield Case("axis_0", (rng.standard_normal(shape).astype(dtype), y), {"axis": 0}, seed=seed)
    for rng, shape, dtype, seed in grid([(6, 6)], ("float64",), seed=1300):
        y = reference.softmax(_logits(rng, shape, dtype))
        yield Case(
            "keepdim_trap",
            (rng.standard_normal(shape).astype(dtype), y),
            {"axis": -1},
            seed=seed,
            note="square input: sums without keepdims=True broadcast along the wrong axis",
        )
    y = np.ones((3, 1))
    yield Case(
        "size_one_axis",
        (np.array([[1.0], [-2.0], [3.0]]), y),
        {"axis": -1},
        zero_ok=True,
        note="an axis of size 1: softmax is constant 1, so the gradient is 0",
    )


# Known mistakes, as wrong implementations run on the same inputs: a match on a failing case names it.
def _sum_whole_array(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e)


def _no_keepdims(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis)


def _no_keepdims_backward(dout, y, axis=-1):
    return y * (dout - np.sum(dout * y, axis=axis))


def _sums_to_one_elsewhere(case, actual, expected):
    """when(): the output sums to 1 along another axis than `axis`, and not along `axis` (a reduction's axis fixed)."""
    got = np.asarray(actual, dtype=np.float64)
    axis = case.kwargs.get("axis", -1) % max(got.ndim, 1)
    if got.shape != np.shape(expected) or got.ndim < 2 or got.size == 0 or not np.isfinite(got).all():
        return False
    if np.allclose(got.sum(axis=axis), 1.0, atol=1e-4):
        return False
    return any(np.allclose(got.sum(axis=a), 1.0, atol=1e-4) for a in range(got.ndim) if a != axis)


def _diagonal_jacobian(dout, y, axis=-1):
    return dout * y * (1 - y)


EXERCISE = Exercise.of(
    info("softmax"),
    task="""Softmax turns logits into probabilities along one axis: exp(x_i) / sum_j exp(x_j).

1. `softmax(x, axis)`: make it numerically stable. exp(89) is already inf in float32, so
   subtract the max along the axis first (it cancels out). Keep the input's shape and dtype.
2. `softmax_backward(dout, y, axis)`: the gradient with respect to x, given the upstream
   gradient `dout` and the forward output `y`. Work out the Jacobian of softmax, then find
   the form that never builds it.

Compute in the input's dtype (float64 in: float64 arithmetic). Don't modify the inputs.
`learn verify softmax` checks float32 and float64, several shapes, axis 0 / 1 / -1, logits near
+-1000 (also rows at very different scales in one batch), size-1 and empty dims, and -inf masks.""",
    entry_points=(
        EntryPoint(
            "softmax",
            "(x: np.ndarray, axis: int = -1) -> np.ndarray",
            """Softmax of `x` along `axis`: non-negative, sums to 1 along `axis`.

x: any shape, float32 or float64, may hold -inf (masked) and values near +-1000.
Returns: same shape and dtype as x.""",
        ),
        EntryPoint(
            "softmax_backward",
            "(dout: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray",
            """Gradient of sum(dout * softmax(x)) with respect to x.

dout: upstream gradient, same shape as y.
y: the forward output softmax(x, axis).
Returns dx: same shape and dtype as y.""",
        ),
    ),
    checks=(
        Check(
            "forward",
            "softmax",
            forward_cases,
            description=(
                "float32/64, 4 shapes; axis 0/1/-1, square (keepdims trap), size-1 axis, equal logits, -inf mask, "
                "empty batch, empty axis, one logit"
            ),
        ),
        Check(
            "forward_large",
            "softmax",
            large_cases,
            # exp(x - logsumexp(x)) is right to eps * |x| relative: 1.2e-4 at 1000 in float32
            tolerance=magnitude_tolerance(LARGE + 16),
            description="logits near +-1000 (rtol + eps * 1016), rows at +-1000 and 0 in one batch",
        ),
        Check(
            "backward",
            "softmax_backward",
            backward_cases,
            description="float32/64, 4 shapes; axis 0, square (keepdims trap), size-1 axis (zero gradient)",
        ),
    ),
    probes=(
        Probe(
            float32_hint("softmax", "compute in x.dtype (no .astype(np.float32) on the way)"), when=computed_in_float32
        ),
        Probe(
            "no max subtraction: exp overflows for logits >= 89 in float32 (710 in float64); subtract "
            "the max along the axis first",
            impl="wrong/softmax/no_max_subtraction.py",
            checks=("forward", "forward_large"),
        ),
        Probe(
            "subtracted the max of the whole array (np.max(x)), not each row's: rows far below the global max "
            "underflow to 0 / 0; use np.max(x, axis=axis, keepdims=True)",
            impl="wrong/softmax/global_max.py",
            checks=("forward", "forward_large"),
        ),
        Probe(
            "normalized over the wrong axis: reduce along `axis` (the argument), not a fixed one",
            impl="wrong/softmax/wrong_axis.py",
        ),
        Probe(
            "normalized over the wrong axis: your output sums to 1 along another axis than `axis`; take the max "
            "and the sum along `axis` (the argument), both with keepdims=True",
            when=_sums_to_one_elsewhere,
            checks=("forward", "forward_large"),
        ),
        Probe(
            "normalized over the whole array: sum along `axis` with keepdims=True, not np.sum(e)",
            impl={"softmax": _sum_whole_array},
        ),
        Probe(
            "keepdims missing: a sum along the axis must keep it (keepdims=True) to broadcast back; without it "
            "it lines up with the wrong axis (or fails to broadcast)",
            impl={"softmax": _no_keepdims, "softmax_backward": _no_keepdims_backward},
        ),
        Probe(
            "only the Jacobian's diagonal (y * (1 - y)): the off-diagonal terms -y_i y_j give "
            "dx = y * (dout - sum(dout * y, axis, keepdims=True))",
            impl={"softmax_backward": _diagonal_jacobian},
        ),
    ),
)
