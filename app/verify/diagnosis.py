"""A diagnosis for a failing case that no hand-written probe named: the learner's output against the reference's.

Runs in the child. `one_case` looks at one failing case: the output off by a constant factor (named
when it is a recognisable one: sqrt(d), n/(n-1), the batch size, 2, -1), axes permuted, the right
numbers in another shape or another order, a shift by one along an axis, the reference computed in
float32, nan/inf where inputs are large, which parts of a multi-part output are right (the first
step of several, the forward pass but not the gradients). Each hint states its evidence; none is
given where the evidence is not there. Cross-case diagnoses (right on square inputs, wrong on
rectangular ones, ...) are in diagnosis_across.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from app.verify.compare import Tolerance, compare, leaves

FLOAT32_RELATIVE = 1e-4  # float32 rounding through a few ops stays well below this, relative to each value
FLOAT32 = (1e-5, 1e-6)  # (rtol, atol): what float32 arithmetic over a few ops keeps
LARGE_INPUT = 50.0  # |x| from which exp overflows float16 / comes near float32's limit after a few ops


def one_case(expected: Any, actual: Any, args: tuple, kwargs: dict, tolerance: Tolerance, rerun32=None) -> list[str]:
    """Hints for one failing case from the outputs alone (`rerun32()`: the reference on float32 copies, or None)."""
    parts = _parts(expected, actual, tolerance)
    found = _leaf_diagnosis(expected, actual, args, kwargs, tolerance, rerun32)
    if found and parts and not parts[0].startswith("the first"):
        return [f"{parts[0]}; {found}"]
    return parts + ([found] if found else [])


def _leaf_diagnosis(expected, actual, args, kwargs, tolerance, rerun32) -> str | None:
    """What the first mismatched leaf of the learner's output is, as a transform of the reference's."""
    inputs = list(_arrays((args, kwargs)))
    mismatch = compare(expected, actual, tolerance, check_dtype=False)
    if mismatch is None:
        return None
    e, a = _leaf(expected, mismatch.path), _leaf(actual, mismatch.path)
    e, a = _as_floats(e), _as_floats(a)
    if e is None or a is None:
        return None
    where = "" if mismatch.path == "output" else f" ({mismatch.path})"
    if e.shape != a.shape:
        return _other_shape(e, a, mismatch.path)
    rtol, atol = tolerance(str(np.asarray(_leaf(expected, mismatch.path)).dtype))
    nonfinite = ~np.isfinite(a) & np.isfinite(e)
    if nonfinite.any():
        return _nonfinite(inputs, where)
    random = _draws_random((args, kwargs))
    for found in (
        _factor(e, a, rtol, atol, inputs, where),
        _permuted(e, a, rtol, atol, where),
        _flipped(e, a, rtol, atol, where),
        _shifted(e, a, rtol, atol, where),
        _reordered(e, a, rtol, atol, where, random),
        _float32(e, a, inputs, rerun32, mismatch.path, where),
    ):
        if found:
            return found
    return None


def _draws_random(value: Any) -> bool:
    """The case hands the code a generator or a seed: its outputs depend on the order of random draws."""
    if isinstance(value, dict):
        return any(("seed" in str(k) or "generator" in str(k) or "rng" in str(k)) for k in value) or any(
            _draws_random(v) for v in value.values()
        )
    if isinstance(value, tuple | list):
        return any(_draws_random(v) for v in value)
    return type(value).__name__ in ("Generator", "RandomState")


# -- the parts of a structured output ---------------------------------------------------------------


def _parts(expected: Any, actual: Any, tolerance: Tolerance) -> list[str]:
    """Which parts of a tuple / list / dict output are right: the first step of several, the forward pass."""
    if not isinstance(expected, tuple | list | dict) or type(actual) is not type(expected):
        return []
    if len(actual) != len(expected) or len(expected) < 2:
        return []
    keys = list(expected) if isinstance(expected, dict) else list(range(len(expected)))
    if isinstance(expected, dict) and set(actual) != set(expected):
        return []
    right = [compare(expected[k], actual[k], tolerance, check_dtype=False) is None for k in keys]
    if all(right) or not any(right):
        return []
    name = lambda k: f"output[{k!r}]"  # noqa: E731
    steps = isinstance(expected, list) and len(expected) >= 3 and _same_structure(expected)
    if steps:
        first_wrong = right.index(False)
        if all(right[:first_wrong]) and not any(right[first_wrong:]):
            return [
                f"the first {_plural(first_wrong, 'step')} right, every later one wrong (from output[{first_wrong}] "
                f"of {len(expected)}): is the state (a running buffer, a step count, a cache) carried from one "
                "step to the next, and updated once per step?"
            ]
        return []
    good = ", ".join(name(k) for k, r in zip(keys, right, strict=True) if r)
    bad = ", ".join(name(k) for k, r in zip(keys, right, strict=True) if not r)
    return [f"part of the output is right ({good}); {bad} {'differs' if ',' not in bad else 'differ'}"]


def _same_structure(items: list) -> bool:
    shapes = [tuple((p, getattr(v, "shape", None)) for p, v in leaves(item)) for item in items]
    return all(s == shapes[0] for s in shapes)


def _plural(n: int, word: str) -> str:
    return f"{word} is" if n == 1 else f"{n} {word}s are"


# -- the mismatched leaf ----------------------------------------------------------------------------


def _leaf(value: Any, path: str) -> Any:
    for p, leaf in leaves(value):
        if p == path:
            return leaf
    return None


def _as_floats(value: Any) -> np.ndarray | None:
    if value is None or isinstance(value, str | bytes | bool):
        return None
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - an object numpy cannot read: no numeric diagnosis
        return None
    if array.dtype.kind not in "fiu":
        return None
    return array.astype(np.float64)


def _arrays(value: Any) -> Iterator[np.ndarray]:
    """The array inputs of a case (numpy arrays anywhere in args / kwargs)."""
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _arrays(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v)


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


def _informative(e: np.ndarray, atol: float) -> bool:
    """Enough distinct non-zero values that a match with a transformed copy is not a coincidence."""
    finite = e[np.isfinite(e)]
    return finite.size >= 3 and np.count_nonzero(np.abs(finite) > 10 * atol) >= 2 and np.unique(finite).size >= 3


# -- one leaf, same shape ---------------------------------------------------------------------------


def _factor(e, a, rtol, atol, inputs, where) -> str | None:
    if not (_informative(e, atol) and np.isfinite(a).all() and np.isfinite(e).all()):
        return None
    scale = float(np.dot(a.ravel(), e.ravel()) / np.dot(e.ravel(), e.ravel()))
    if not math.isfinite(scale) or abs(scale) < 1e-12 or abs(scale - 1) < 1e-6:
        return None
    if not _close(a, scale * e, max(rtol, 1e-9) * 10, atol * 10):
        return None
    name = _name_factor(scale, inputs)
    if scale < 0 and abs(scale + 1) < 1e-6:
        return (
            f"the sign is flipped: your output{where} is minus the reference's (a - b where b - a belongs, a gradient "
            "that ascends, a negative log-likelihood without its minus?)"
        )
    text = f"your output{where} is the reference's times {_number(scale)} everywhere"
    return f"{text} ({name})" if name else f"{text}: a constant factor (a scale, a normalisation, a mean for a sum?)"


def _number(x: float) -> str:
    return f"{x:.6g}"


def _sizes(inputs: list[np.ndarray]) -> list[int]:
    found: list[int] = []
    for array in inputs:
        for d in array.shape:
            if d > 1 and d not in found:
                found.append(d)
    return found


def _name_factor(scale: float, inputs: list[np.ndarray]) -> str:
    """A recognisable constant: sqrt(d), n/(n-1), the batch size, 2, ln 2."""
    batch = inputs[0].shape[0] if inputs and inputs[0].ndim >= 2 and inputs[0].shape[0] > 1 else None
    near = lambda x, y: abs(x - y) <= 1e-6 * max(1.0, abs(y))  # noqa: E731
    # 2 and 1/2 first: with a size of 2 or 4 they are also n/(n-1) or sqrt(n), but a factor 2 is the usual cause.
    if near(scale, 2):
        return "x2: a factor 2 too many, or a 1/2 missing (the 1/2 of a squared error, a sum over both halves?)"
    if near(scale, 0.5):
        return "x0.5: a factor 2 missing (the derivative of a square is 2x), or a 1/2 too many?"
    if near(scale, math.log(2)):
        return "= ln 2: a natural log where the task takes log2 (nats for bits)?"
    if near(scale, 1 / math.log(2)):
        return "= 1/ln 2: log2 where the task takes the natural log (bits for nats)?"
    for n in _sizes(inputs):
        root = math.sqrt(n)
        if n >= 4 and near(scale, 1 / root):
            return f"= 1/sqrt({n}): a scale by 1/{n} where 1/sqrt({n}) belongs, or a 1/sqrt({n}) applied twice?"
        if near(scale, root) and n >= 4:
            return f"= sqrt({n}): the 1/sqrt({n}) scale missing, or sqrt({n}) where 1/sqrt({n}) belongs?"
        # Which way round depends on whether the output grows with the variance or is divided by it
        # (a standardization): both are named.
        if near(scale, n / (n - 1)) or near(scale, (n - 1) / n):
            ratio = f"{n}/{n - 1}" if scale > 1 else f"{n - 1}/{n}"
            return (
                f"= {ratio}: a variance divided by n - 1 (unbiased) where the task divides by n (biased), or the "
                "other way round?"
            )
        if near(scale, math.sqrt(n / (n - 1))) or near(scale, math.sqrt((n - 1) / n)):
            ratio = f"{n}/{n - 1}" if scale > 1 else f"{n - 1}/{n}"
            return (
                f"= sqrt({ratio}): a standard deviation with n - 1 (unbiased) where the task uses n (biased), or "
                "the other way round?"
            )
        if n == batch and near(scale, 1 / n):
            return f"= 1/{n}, 1/the batch size: a mean over the batch where the task sums?"
        if n == batch and near(scale, n):
            return f"= {n}, the batch size: a sum over the batch where the task takes the mean?"
    return ""


def _permuted(e, a, rtol, atol, where) -> str | None:
    if e.ndim < 2 or e.ndim > 4 or not _informative(e, atol):
        return None
    import itertools

    for perm in itertools.permutations(range(e.ndim)):
        if perm == tuple(range(e.ndim)):
            continue
        moved = np.transpose(e, perm)
        if moved.shape == a.shape and _close(a, moved, rtol, atol):
            return (
                f"your output{where} is the reference's with its axes permuted ({_axes(perm)}): "
                "a transpose too many or too few, or two axes confused"
            )
    return None


def _axes(perm: tuple[int, ...]) -> str:
    if len(perm) == 2:
        return "transposed"
    return "axes " + ", ".join(str(p) for p in perm) + " of the reference's"


def _shifted(e, a, rtol, atol, where) -> str | None:
    if not _informative(e, atol):
        return None
    for axis in range(e.ndim):
        n = e.shape[axis]
        if n < 3:
            continue
        head = np.take(a, range(1, n), axis=axis), np.take(e, range(1, n), axis=axis)
        tail = np.take(a, range(0, n - 1), axis=axis), np.take(e, range(0, n - 1), axis=axis)
        for sign, (x, y) in ((+1, (head[0], tail[1])), (-1, (tail[0], head[1]))):
            if _close(x, y, rtol, atol) and _informative(y, atol):
                along = f" along axis {axis}" if e.ndim > 1 else ""
                rel = "i - 1" if sign > 0 else "i + 1"
                return (
                    f"your output{where} is the reference's shifted by one{along} (yours at i = the reference's at "
                    f"{rel}): an off-by-one in an index, a slice, a range or a mask's offset"
                )
    return None


def _flipped(e, a, rtol, atol, where) -> str | None:
    if not _informative(e, atol):
        return None
    import itertools

    # Along an axis of 2 or 3 a flip is one of few orders, often a coincidence (k-means' centers found in
    # another order): it is named only where it is unlikely by chance.
    axes = [n for n in range(e.ndim) if e.shape[n] > 3]
    for count in range(1, len(axes) + 1):
        for chosen in itertools.combinations(axes, count):
            if _close(a, np.flip(e, chosen), rtol, atol):
                along = "" if e.ndim == 1 else f" along axis {chosen[0]}" if count == 1 else f" along axes {chosen}"
                return (
                    f"your output{where} is the reference's flipped{along}: an index running backwards "
                    "(a reversed range, a kernel flipped, a sort in the other order?)"
                )
    return None


def _reordered(e, a, rtol, atol, where, random: bool) -> str | None:
    if e.size < 3 or not _informative(e, atol):
        return None
    if not _close(np.sort(a.ravel()), np.sort(e.ravel()), rtol, atol):
        return None
    if random:
        return (
            f"your output{where} holds the reference's values in another order: the random draws taken in another "
            "order than the task's (the order of the calls on the generator is part of the task), or the items "
            "permuted?"
        )
    return (
        f"your output{where} holds the reference's values in another order: the items permuted (sorted the other "
        "way, indexed along the wrong axis, a gather with the wrong indices?)"
    )


def _float32(e, a, inputs, rerun32, path, where) -> str | None:
    if not any(x.dtype == np.float64 for x in inputs):
        return None
    if not np.isfinite(e).all() or not np.isfinite(a).all():
        return None
    # Evidence of float32 arithmetic: every value of the learner's is a float32 number (computed in float32,
    # then cast back to float64), where the reference's are not; or it sits ten times closer to the reference
    # run on float32 copies of the inputs than to the float64 answer.
    representable = bool(np.all(a.astype(np.float32).astype(np.float64) == a))
    close32 = representable and _close(a, e, 1e-4, 1e-5) and not np.all(e.astype(np.float32).astype(np.float64) == e)
    if not close32 and rerun32 is not None:
        try:
            reference32 = _as_floats(_leaf(rerun32(), path))
        except Exception:  # noqa: BLE001 - a reference that refuses float32 input: no verdict from it
            reference32 = None
        if reference32 is not None and reference32.shape == a.shape:
            error32, error64 = np.abs(a - reference32).max(), np.abs(a - e).max()
            scale = float(np.abs(e).max()) or 1.0
            close32 = bool(error32 <= 1e-4 * scale and error32 * 10 <= error64)
    if close32:
        return (
            f"computed in float32 on float64 input: your output{where} matches the reference only to float32 "
            "precision (~1e-7 relative, not float64's 1e-16); keep the input's dtype through the computation (no "
            ".float(), float32 constants or .astype(np.float32) on the way)"
        )
    if _close(a, e, *FLOAT32):  # the size of float32 rounding, without its fingerprint: said as a question
        # relative to each value, floored at 1% of the largest (float32 rounding of a true zero is relative to
        # the values it was computed from)
        floor = max(1e-2 * float(np.abs(e).max()), 1e-300)
        error = float(np.max(np.abs(a - e) / np.maximum(np.abs(e), floor)))
        if error > FLOAT32_RELATIVE:  # close only through atol (a tiny value that is wrong): not rounding
            return None
        return (
            f"your output{where} agrees with the reference only to float32 precision (relative error up to "
            f"{error:.2g}): a step computed in float32 on float64 input (a .float(), a float32 constant or buffer)?"
        )
    return None


def _nonfinite(inputs: list[np.ndarray], where: str) -> str:
    floats = [x for x in inputs if x.dtype.kind == "f" and x.size]
    largest = max((float(np.nanmax(np.abs(x[np.isfinite(x)]), initial=0.0)) for x in floats), default=0.0)
    if largest >= LARGE_INPUT:
        return (
            f"nan/inf{where} where the reference is finite, on inputs up to {largest:.4g}: an overflow or underflow "
            "(exp of a large number is inf, of a very negative one 0, then log(0) or 0/0; subtract each row's own "
            "max first, or compute in log space)"
        )
    if any(1 in x.shape for x in floats):
        return (
            f"nan/inf{where} where the reference is finite, on an input with a size-1 axis: a division by n - 1 = 0 "
            "(an unbiased variance where the task divides by n?) or another 0/0"
        )
    return f"nan/inf{where} where the reference is finite: a log of 0, a 0/0 or a division by a sum that is 0"


# -- another shape ----------------------------------------------------------------------------------


def _other_shape(e: np.ndarray, a: np.ndarray, path: str) -> str | None:
    if e.size != a.size or e.size < 2:
        return None
    shapes = f"your {path} has shape {tuple(a.shape)}; expected {tuple(e.shape)}"
    if np.allclose(a.ravel(), e.ravel(), rtol=1e-5, atol=1e-6, equal_nan=True):
        if [d for d in a.shape if d != 1] == [d for d in e.shape if d != 1]:
            fewer = a.ndim < e.ndim
            return f"{shapes}: the right numbers, " + (
                "without the size-1 axes: reduced without keepdim=True (keepdims=True in NumPy), or squeezed"
                if fewer
                else "with size-1 axes too many: a keepdims=True too many, or a missing squeeze"
            )
        return f"{shapes}: the right numbers in another shape (a reshape or a flatten too many or too few?)"
    if e.ndim == a.ndim and e.ndim <= 4:
        import itertools

        for perm in itertools.permutations(range(e.ndim)):
            moved = np.transpose(e, perm)
            if moved.shape == a.shape and np.allclose(a, moved, rtol=1e-5, atol=1e-6, equal_nan=True):
                return (
                    f"{shapes}: the reference's values with the axes in another order (a transpose too many or too few)"
                )
    return None
