"""Compare a learner's output with the reference's, leaf by leaf, numpy.testing style.

Runs in the child process. Shape first, then dtype, then values with the tolerance of the expected
leaf's dtype; NaN must sit where the reference has NaN. The result is a `Mismatch` (JSON-ready: the
count, the max abs / rel error, the first mismatched indices) or None.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from app.verify.digits import distinct

FIRST_INDICES = 5

Tolerance = Callable[[str], tuple[float, float]]


@dataclass
class Mismatch:
    message: str  # one line
    path: str = "output"  # which leaf: output, output[0], output['dW1']
    kind: str = "values"  # type | shape | dtype | values
    count: int | None = None  # mismatched elements
    total: int | None = None
    max_abs_error: float | None = None  # over elements where both are finite
    max_rel_error: float | None = None
    nonfinite: int = 0  # elements that are nan / inf in the learner's output only
    indices: list[list[int]] = field(default_factory=list)
    expected_values: list = field(default_factory=list)
    actual_values: list = field(default_factory=list)
    expected_shape: list[int] | None = None
    actual_shape: list[int] | None = None
    expected_dtype: str | None = None
    actual_dtype: str | None = None

    def to_json(self) -> dict:
        return asdict(self)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, numbers.Number | np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0)


def _type_name(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"ndarray {value.dtype} {tuple(value.shape)}"
    return type(value).__name__


def leaves(value: Any, path: str = "output") -> Iterator[tuple[str, Any]]:
    if isinstance(value, tuple | list) and not _is_scalar(value):
        for n, item in enumerate(value):
            yield from leaves(item, f"{path}[{n}]")
    elif isinstance(value, Mapping):
        for key in value:
            yield from leaves(value[key], f"{path}[{key!r}]")
    else:
        yield path, value


def _float(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _plain(value: Any) -> Any:
    """A numpy value as JSON-ready Python (non-finite floats as strings)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def compare(
    expected: Any, actual: Any, tolerance: Tolerance, check_dtype: bool = True, path: str = "output"
) -> Mismatch | None:
    """The first mismatch between `expected` and `actual` (structures walked in order), or None."""
    if expected is None:
        return (
            None if actual is None else Mismatch(f"{path}: returned {_type_name(actual)}, expected None", path, "type")
        )
    if actual is None:
        return Mismatch(f"{path}: returned None (a missing `return`?)", path, "type")
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return Mismatch(f"{path}: returned {_type_name(actual)}, expected a dict", path, "type")
        if set(expected) != set(actual):
            missing, extra = (
                sorted(map(str, set(expected) - set(actual))),
                sorted(map(str, set(actual) - set(expected))),
            )
            return Mismatch(f"{path}: keys differ (missing {missing}, unexpected {extra})", path, "type")
        for key in expected:
            found = compare(expected[key], actual[key], tolerance, check_dtype, f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list):
            return Mismatch(
                f"{path}: returned {_type_name(actual)}, expected a {type(expected).__name__} of {len(expected)}",
                path,
                "type",
            )
        if len(actual) != len(expected):
            return Mismatch(f"{path}: returned {len(actual)} values, expected {len(expected)}", path, "type")
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = compare(e, a, tolerance, check_dtype, f"{path}[{n}]")
            if found:
                return found
        return None
    if isinstance(expected, str | bytes):
        if actual == expected:
            return None
        return Mismatch(f"{path}: {actual!r:.60}, expected {expected!r:.60}", path, "values", count=1, total=1)
    if isinstance(expected, np.ndarray) and expected.ndim > 0:
        if not isinstance(actual, np.ndarray):
            return Mismatch(
                f"{path}: returned {_type_name(actual)}, expected an ndarray of shape {expected.shape}", path, "type"
            )
        return _compare_arrays(expected, actual, tolerance, check_dtype, path)
    if _is_scalar(expected):
        if not _is_scalar(actual):
            return Mismatch(f"{path}: returned {_type_name(actual)}, expected a scalar", path, "type")
        return _compare_arrays(np.asarray(expected), np.asarray(actual), tolerance, False, path)
    # Anything else (a learner-defined object, say): equality.
    return None if actual == expected else Mismatch(f"{path}: {actual!r:.60} != {expected!r:.60}", path, "values")


def _compare_arrays(
    expected: np.ndarray, actual: np.ndarray, tolerance: Tolerance, check_dtype: bool, path: str
) -> Mismatch | None:
    shapes = dict(expected_shape=list(expected.shape), actual_shape=list(actual.shape))
    if actual.shape != expected.shape:
        return Mismatch(
            f"{path}: shape {tuple(actual.shape)}, expected {tuple(expected.shape)}", path, "shape", **shapes
        )
    dtypes = dict(expected_dtype=str(expected.dtype), actual_dtype=str(actual.dtype))
    if check_dtype and actual.dtype != expected.dtype and expected.dtype.kind in "fciub":
        return Mismatch(f"{path}: dtype {actual.dtype}, expected {expected.dtype}", path, "dtype", **shapes, **dtypes)
    diff = None
    if expected.dtype.kind in "fc" and actual.dtype.kind in "fciub":
        rtol, atol = tolerance(str(expected.dtype))
        e = expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
        a = actual.astype(e.dtype)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(a - e)
            close = np.isfinite(e) & (diff <= atol + rtol * np.abs(e))  # inf * rtol would admit any value for inf
            same_special = (np.isnan(e) & np.isnan(a)) | (np.isinf(e) & (a == e))
        bad = ~(close | same_special)
    else:  # ints, bools, strings, objects: exactly
        try:
            bad = ~np.asarray(actual == expected, dtype=bool)
        except Exception:
            bad = np.ones(expected.shape, bool)
    count = int(bad.sum())
    if count == 0:
        return None
    where = np.argwhere(bad)[:FIRST_INDICES]
    mismatch = Mismatch(
        "",
        path,
        "values",
        count=count,
        total=int(expected.size),
        **shapes,
        **dtypes,
        indices=[[int(i) for i in idx] for idx in where],
        expected_values=[_plain(expected[tuple(idx)]) for idx in where],
        actual_values=[_plain(actual[tuple(idx)]) for idx in where],
    )
    if diff is not None:
        finite = bad & np.isfinite(e) & np.isfinite(a)
        mismatch.nonfinite = int((bad & ~np.isfinite(a) & np.isfinite(e)).sum())
        if finite.any():
            mismatch.max_abs_error = _float(float(diff[finite].max()))
            with np.errstate(divide="ignore", invalid="ignore"):
                rel = diff[finite] / np.abs(e[finite])
            rel = rel[np.isfinite(rel)]
            mismatch.max_rel_error = _float(float(rel.max())) if rel.size else None
    first = ", ".join(str(tuple(i)) if len(i) != 1 else str(i[0]) for i in mismatch.indices[:3])
    errors = ""
    if mismatch.max_abs_error is not None:
        errors = f"; max abs error {mismatch.max_abs_error:.3g}"
        if mismatch.max_rel_error is not None:
            errors += f", max rel error {mismatch.max_rel_error:.3g}"
    nonfinite = f"; {mismatch.nonfinite} nan/inf where the reference is finite" if mismatch.nonfinite else ""
    got = ""
    if (
        mismatch.actual_values
        and isinstance(mismatch.actual_values[0], int | float)
        and not isinstance(mismatch.actual_values[0], bool)
    ):
        a, e = distinct(mismatch.actual_values[0], mismatch.expected_values[0])
        got = f": got {a}, expected {e}"
        if diff is not None:
            got += f" (tolerance rtol {rtol:g}, atol {atol:g})"
    mismatch.message = f"{path}: {count} of {expected.size} elements differ{errors}{nonfinite}; first at {first}{got}"
    return mismatch


def outputs_match(expected: Any, actual: Any, tolerance: Tolerance) -> bool:
    """For probes: the same structure and values (NaN equals NaN), dtype ignored."""
    return compare(expected, actual, tolerance, check_dtype=False) is None


def all_zero(value: Any, tolerance: Tolerance) -> bool:
    """True when every numeric element is within atol of zero and there is at least one (strings: False)."""
    seen = False
    for _, leaf in leaves(value):
        if isinstance(leaf, str | bytes):
            return False
        if leaf is None:
            continue
        try:
            array = np.asarray(leaf)
        except Exception:  # an object we cannot read as numbers: not a zero output
            return False
        if array.dtype.kind not in "fciub":
            return False
        if array.size == 0:
            continue
        seen = True
        atol = tolerance(str(array.dtype))[1] if array.dtype.kind in "fc" else 0
        with np.errstate(invalid="ignore"):
            if not np.all(np.abs(array.astype(np.complex128 if array.dtype.kind == "c" else np.float64)) <= atol):
                return False
    return seen


def describe_value(value: Any) -> dict:
    """Shape and dtype of an input, for reports: {"shape": [4, 7], "dtype": "float32"} or {"value": 0.1}."""
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return {"value": _plain(value), "dtype": str(value.dtype)}
    if isinstance(value, bool | int | float | str) or value is None:
        text = value if not isinstance(value, str) or len(value) <= 40 else value[:37] + "..."
        return {"value": _plain(text)}
    if isinstance(value, tuple | list):
        return {"type": type(value).__name__, "length": len(value)}
    return {"type": type(value).__name__}
