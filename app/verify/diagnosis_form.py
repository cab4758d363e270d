"""The learner's output in the wrong form, said as the learner's: "your `forward` returned output[0] of shape
(48, 58); the reference's returns (3, 16, 58)", never as an exception inside the checker.

Runs in the child. An exercise's `call` / `canonical` / `compare` post-process the learner's output
(to NumPy, a reshape, a sort) and can fail on an output of the wrong shape or type; the failure is
the learner's. `form_difference` compares two outputs' forms (structure, types, shapes);
`returned_differently` re-runs a call under a profiler to see what the learner's functions returned
to the checker, beside what the reference's returned at the same point.
"""

from __future__ import annotations

import dis
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.locations import REFERENCE_ROOT

SPEC_FOLDERS = (str(REFERENCE_ROOT / "exercises"), str(Path(__file__).resolve().parent))
# Not the checker's, though inside app/verify: the sandbox's code runs on behalf of the learner's (the
# interpreter's bounds check raises OutOfBounds from within the learner's kernel).
RUNTIME_FOLDER = str(Path(__file__).resolve().parent / "sandbox")


def _shape(value: Any) -> tuple | None:
    shape = getattr(value, "shape", None)
    if shape is None or not hasattr(value, "dtype"):
        return None
    try:
        return tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        return None


def _kind(value: Any) -> str:
    shape = _shape(value)
    if shape is not None:
        module = type(value).__module__.split(".")[0]
        kind = "a tensor" if module == "torch" else "an array"
        return f"{kind} of shape {shape}" if shape else f"{kind} of shape ()"
    if value is None:
        return "None"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    return f"a {type(value).__name__}"


def form_difference(expected: Any, actual: Any, path: str = "output") -> str | None:
    """The first place where `actual`'s structure, type or shape differs from `expected`'s, in words; None if none."""
    e_shape, a_shape = _shape(expected), _shape(actual)
    if e_shape is not None or a_shape is not None:
        if e_shape is None or a_shape is None:
            return f"{path} is {_kind(actual)}; expected {_kind(expected)}"
        if e_shape != a_shape:
            return f"{path} has shape {a_shape}; expected {e_shape}"
        return None
    if isinstance(expected, tuple | list):
        if not isinstance(actual, tuple | list):
            return f"{path} is {_kind(actual)}; expected a {type(expected).__name__} of {len(expected)}"
        if len(actual) != len(expected):
            return f"{path} has {len(actual)} items; expected {len(expected)}"
        for n, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found = form_difference(e, a, f"{path}[{n}]")
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path} is {_kind(actual)}; expected a dict"
        if set(actual) != set(expected):
            missing, extra = (
                sorted(map(str, set(expected) - set(actual))),
                sorted(map(str, set(actual) - set(expected))),
            )
            return f"{path} has other keys (missing {missing}, unexpected {extra})"
        for key in expected:
            found = form_difference(expected[key], actual[key], f"{path}[{key!r}]")
            if found:
                return found
        return None
    if (expected is None) != (actual is None):
        return f"{path} is {_kind(actual)}; expected {_kind(expected)}"
    return None


def raised_in_checker(exc: BaseException, learner_file: Path | None) -> bool:
    """The exception came from the exercise's own post-processing of the learner's output (its `call`
    reshaping or converting what the learner returned), not from inside the learner's code. A traceback
    that passes through the learner's file was raised while their code ran, even where its last frame is
    the exercise's: a callback they were handed (a stand-in model, a sampler) that they called with
    arguments it cannot take."""
    if learner_file is None:
        return False
    import traceback

    learner = str(learner_file)
    last, through_learner = None, False
    for frame in traceback.extract_tb(exc.__traceback__):
        name = resolved(frame.filename)
        if name == learner:
            last, through_learner = "learner", True
        elif name.startswith(SPEC_FOLDERS) and not name.startswith(RUNTIME_FOLDER):
            last = "checker"
    return last == "checker" and not through_learner


@functools.lru_cache(maxsize=1024)  # the same few files in every traceback of a run (an lstat per component)
def resolved(name: str) -> str:
    """The file's real path (the name itself where it cannot be resolved)."""
    try:
        return str(Path(name).resolve())
    except OSError:
        return name


def returns(file: str | None, run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """(function name, value) for each return from a function of `file` into code outside it, while `run()` runs."""
    if not file:
        return []
    seen: list[tuple[str, Any]] = []

    def profile(frame, event, arg):
        if event == "return" and frame.f_code.co_filename == file and _returned(frame):
            back = frame.f_back
            if back is None or back.f_code.co_filename != file:
                seen.append((frame.f_code.co_name, arg))

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        run()
    except BaseException:  # noqa: BLE001 - the failure is known; only what was returned before it matters
        pass
    finally:
        sys.setprofile(previous)
    return seen


_RETURNING = {dis.opmap[name] for name in ("RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE") if name in dis.opmap}


def _returned(frame) -> bool:
    """The frame returns (or yields) a value, rather than unwinding from an exception: the profiler calls
    both "return", with None for the second, which is not a None the learner returned."""
    code, last = frame.f_code.co_code, frame.f_lasti
    return 0 <= last < len(code) and code[last] in _RETURNING


def returned_differently(learner: list[tuple[str, Any]], reference: list[tuple[str, Any]]) -> str | None:
    """The first function whose return value differs in form between the learner's run and the reference's."""
    counts: dict[str, int] = {}
    theirs: dict[tuple[str, int], Any] = {}
    for name, value in reference:
        theirs[(name, counts.get(name, 0))] = value
        counts[name] = counts.get(name, 0) + 1
    counts = {}
    for name, value in learner:
        key = (name, counts.get(name, 0))
        counts[name] = key[1] + 1
        if key not in theirs:
            continue
        found = form_difference(theirs[key], value, f"`{name}`'s output")
        if found:
            return f"your {found}"
    return None
