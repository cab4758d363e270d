"""Run an exercise's checks on one implementation: plan the cases, call, compare, name the mistake.

Runs in the child process. `plan` computes every case's reference output and every probe's output
BEFORE the learner's file is imported, so nothing the learner's code does (patching numpy, say) can
change what it is compared with. `run_case` calls the learner's code on copies of the inputs and
returns a JSON-ready result with the mismatch and hints.
"""

from __future__ import annotations

import copy
import importlib.util
import inspect
import sys
import time
import traceback
import types
import warnings
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from app.locations import REFERENCE_ROOT  # probes' impl paths are relative to it
from app.verify import diagnosis_form
from app.verify.compare import Mismatch, all_zero, compare, describe_value, leaves, outputs_match
from reference_impls.exercise import Case, Check, Exercise, FreshSeed, Probe, SpecError

MAX_MESSAGE = 300
MAX_FRAMES = 5


class LearnerExit(BaseException):
    """Raised in place of os._exit(code) so that a learner's os._exit is reported, not obeyed."""

    def __init__(self, code: Any) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Raised:
    """What a call raised: a probe matches a learner's failure by exception type and message."""

    type: str
    message: str


@dataclass
class PlannedCase:
    index: int
    check: Check
    case: Case
    expected: Any
    probes: list[tuple[Probe, ProbeImpl | None]] = field(default_factory=list)  # None: a `when` probe
    # Set by run_case, for the diagnosis across cases (diagnosis_across.py): the learner's output
    # (canonical, or Raised) and the hints of the probes that matched it.
    learner_output: Any = None
    probe_hints: list[str] = field(default_factory=list)
    matched_probes: list[Probe] = field(default_factory=list)

    @cached_property
    def probe_outputs(self) -> list[tuple[Probe, Any]]:
        """(probe, output) for the probes that get this case wrong (one that gets it right cannot tell
        its mistake from a correct answer); `when` probes with output None. Computed on the first
        failure that needs them, so a passing or unwritten solution never pays for them."""
        import numpy as np

        outputs = []
        with warnings.catch_warnings(), np.errstate(all="ignore"):  # probes overflow on purpose
            warnings.simplefilter("ignore")
            for probe, lazy in self.probes:
                if lazy is None:
                    outputs.append((probe, None))
                    continue
                impl = lazy.impl
                if self.check.call is None and not hasattr(impl, self.check.entry):
                    continue  # a probe for another entry point
                output = self._run_probe(impl)
                if isinstance(output, Raised) or not outputs_match(self.expected, output, self.check.tolerance_for):
                    outputs.append((probe, output))
        return outputs

    def _run_probe(self, impl: Any) -> Any:
        check, case = self.check, self.case
        try:
            return _canonical(
                check, call(check, impl, case, copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs)))
            )
        except Exception as exc:  # noqa: BLE001 - a probe's exception is its output
            return Raised(type(exc).__name__, str(exc))

    @property
    def label(self) -> str:
        return f"{self.check.name}/{self.case.name}"


# -- loading implementations ------------------------------------------------------------------------


def load_file(path: Path, module_name: str, preamble: str | None = None) -> types.ModuleType:
    """Import a .py file by path (its folder goes at the END of sys.path, so it cannot shadow numpy);
    `preamble` (a code card's imports) runs in the module's namespace first."""
    folder = str(path.parent)
    if folder not in sys.path:
        sys.path.append(folder)
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    if preamble:
        exec(compile(preamble, "<preamble>", "exec"), module.__dict__)  # noqa: S102 - our own imports
    spec.loader.exec_module(module)
    return module


class ProbeImpl:
    """A probe's implementation, loaded on first use: a wrong solution's file is only compiled when a
    case fails (most runs pass, or fail with NotImplementedError)."""

    def __init__(self, probe: Probe, exercise: Exercise) -> None:
        self.probe, self.exercise = probe, exercise

    @cached_property
    def impl(self) -> Any:
        return probe_impl(self.probe, self.exercise)


def probe_impl(probe: Probe, exercise: Exercise) -> Any:
    if isinstance(probe.impl, str):
        path = REFERENCE_ROOT / probe.impl
        if not path.is_file():
            raise SpecError(f"{exercise.id}: probe '{probe.hint[:40]}...' names a missing file {path}")
        return load_file(path, f"probe_{exercise.id}_{path.stem}")
    return types.SimpleNamespace(**dict(probe.impl or {}))


def call(check: Check, impl: Any, case: Case, args: tuple, kwargs: dict) -> Any:
    if check.call is not None:
        return check.call(impl, *args, **kwargs)
    return getattr(impl, check.entry)(*args, **kwargs)


def _canonical(check: Check, value: Any) -> Any:
    return check.canonical(value) if check.canonical is not None and not isinstance(value, Raised) else value


# -- the plan: reference outputs, computed before any learner code runs (probes: on a failure) -------


def plan(exercise: Exercise, reference: Any) -> list[PlannedCase]:
    """Every case of every check with its reference output; SpecError for a case that is not a check."""
    import numpy as np

    # The probes overflow on purpose: their warnings are not the learner's output.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return _plan(exercise, reference)


def _plan(exercise: Exercise, reference: Any) -> list[PlannedCase]:
    probes = [(probe, ProbeImpl(probe, exercise) if probe.impl is not None else None) for probe in exercise.probes]
    planned: list[PlannedCase] = []
    for check in exercise.checks:
        cases = list(check.cases())
        if not cases:
            raise SpecError(f"{exercise.id}: check '{check.name}' has no cases")
        informative = not check.reference_output  # a milestone: `compare` judges the learner's output alone
        for case in cases:
            where = f"{exercise.id}: check '{check.name}', case '{case.name}'"
            if not check.reference_output:
                planned.append(
                    PlannedCase(len(planned), check, case, None, [(p, i) for p, i in probes if _applies(p, check)])
                )
                continue
            args, kwargs = copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))
            try:
                expected = (
                    check.expected(*args, **kwargs) if check.expected else call(check, reference, case, args, kwargs)
                )
            except Exception as exc:
                raise SpecError(
                    f"{where}: the {'oracle' if check.expected else 'reference'} raised {type(exc).__name__}: {exc}"
                ) from exc
            expected = _canonical(check, expected)
            zero = all_zero(expected, check.tolerance_for)
            if zero and isinstance(case.seed, FreshSeed):
                continue  # a fresh draw that came out degenerate (one class, say): it tests nothing
            if zero and not case.zero_ok:
                raise SpecError(
                    f"{where}: the reference output is all within tolerance of zero, so a solution returning zeros "
                    "would pass; change the inputs (or mark the case zero_ok=True if it tests something else)"
                )
            informative |= not zero and any(True for _, leaf in leaves(expected) if _size(leaf) > 0)
            planned.append(
                PlannedCase(len(planned), check, case, expected, [(p, i) for p, i in probes if _applies(p, check)])
            )
        if not informative:
            raise SpecError(
                f"{exercise.id}: check '{check.name}' has no case with a non-zero, non-empty reference output"
            )
    return planned


def _applies(probe: Probe, check: Check) -> bool:
    return not probe.checks or check.name in probe.checks


def _size(leaf: Any) -> int:
    return getattr(leaf, "size", 1)


# -- running one case on the learner's code ---------------------------------------------------------


def _input_names(check: Check, reference: Any, case: Case) -> list[str]:
    names = [f"args[{n}]" for n in range(len(case.args))] + list(case.kwargs)
    if check.call is None:
        try:
            signature = _signature(getattr(reference, check.entry))
            bound = signature.bind_partial(*case.args, **case.kwargs)
            names = list(bound.arguments)
        except (TypeError, ValueError, AttributeError):
            pass
    return names


@cache
def _signature(function: Any) -> inspect.Signature:
    return inspect.signature(function)


def describe_case(check: Check, reference: Any, case: Case) -> tuple[list[dict], str]:
    """The inputs (name, shape, dtype or value) and a short text: "x float32 (4, 7), axis=-1, seed 200"."""
    names = _input_names(check, reference, case)
    values = list(case.args) + list(case.kwargs.values())
    inputs = [{"name": name, **describe_value(value)} for name, value in zip(names, values, strict=False)]
    parts = []
    for entry in inputs:
        if "shape" in entry:
            parts.append(f"{entry['name']} {entry['dtype']} {tuple(entry['shape'])}")
        elif "value" in entry:
            parts.append(f"{entry['name']}={entry['value']}")
        else:
            parts.append(f"{entry['name']} {entry.get('type')}")
    if isinstance(case.seed, FreshSeed):
        parts.append(f"drawn afresh from run seed {case.seed.run}")
    elif case.seed is not None:
        parts.append(f"seed {case.seed}")
    return inputs, ", ".join(parts)


def learner_frames(tb: Any, learner_file: Path | None) -> list[dict]:
    """The traceback frames in the learner's file (all frames for the reference), recursion collapsed."""
    frames = traceback.extract_tb(tb)
    if learner_file is not None:
        target = diagnosis_form.resolved(str(learner_file))
        frames = [
            f for f in frames if f.filename and diagnosis_form.resolved(f.filename) == target
        ]  # none: not in their code
    out = [
        {"file": Path(f.filename).name, "line": f.lineno, "function": f.name, "code": (f.line or "").strip()}
        for f in frames
    ]
    if len(out) > MAX_FRAMES:
        omitted = len(out) - MAX_FRAMES
        out = (
            out[:2] + [{"file": "", "line": None, "function": f"... {omitted} more frames ...", "code": ""}] + out[-3:]
        )
    return out


def _raised_by_learner(exc: BaseException, learner_file: Path | None) -> bool:
    """The innermost frame is the learner's own: their `raise` (the scaffold's body), not a library's
    NotImplementedError (a Triton API its interpreter lacks, a torch op without a kernel for the dtype)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if learner_file is None or not frames:
        return True
    return bool(frames[-1].filename) and diagnosis_form.resolved(frames[-1].filename) == diagnosis_form.resolved(
        str(learner_file)
    )


def describe_exception(exc: BaseException, learner_file: Path | None, limit_mb: int | None = None) -> dict:
    """JSON-ready: type, one-line message, frames in the learner's file, and `where` ("softmax.py:12")."""
    frames = learner_frames(exc.__traceback__, learner_file)
    kind = type(exc).__name__
    if isinstance(exc, LearnerExit):
        message = f"called os._exit({exc.code!r}): the checks need your function to return"
        kind = "os._exit"
    elif isinstance(exc, SystemExit):
        message = f"called sys.exit({exc.code!r}) (or exit/quit): the checks need your function to return"
        kind = "sys.exit"
    elif isinstance(exc, MemoryError) or _out_of_memory(exc):
        limit = f" {limit_mb / 1024:g} GiB" if limit_mb else ""
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
        message = f"killed: memory limit{limit} exceeded ({kind}{': ' + detail if detail else ''})"
    elif isinstance(exc, SyntaxError):
        message = f"SyntaxError: {exc.msg}"
        if exc.filename:
            frames = [
                {
                    "file": Path(exc.filename).name,
                    "line": exc.lineno,
                    "function": "<module>",
                    "code": (exc.text or "").strip(),
                }
            ]
    else:
        message = f"{kind}: {str(exc).strip()}" if str(exc).strip() else kind
    message = message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."
    last = next((f for f in reversed(frames) if f["line"]), None)
    where = f"{last['file']}:{last['line']}" if last else None
    return {"type": kind, "message": message, "where": where, "traceback": frames}


def _out_of_memory(exc: BaseException) -> bool:
    """torch's CPU allocator raises RuntimeError, not MemoryError, when the memory limit stops it."""
    return isinstance(exc, RuntimeError) and "can't allocate memory" in str(exc)


def run_case(
    item: PlannedCase,
    impl: Any,
    reference: Any,
    learner_file: Path | None,
    memory_mb: int | None,
    *,
    diagnose: bool = True,
) -> dict:
    """One case on the learner's code: a JSON-ready result with the mismatch and the hints. `diagnose=False`
    skips the generic diagnosis (app/verify/diagnosis.py) where only the verdict counts (mutation runs)."""
    check, case = item.check, item.case
    inputs, detail = describe_case(check, reference, case)
    result: dict[str, Any] = {
        "index": item.index,
        "check": check.name,
        "case": case.name,
        "entry": check.entry,
        "label": item.label,
        "detail": detail,
        "seed": case.seed,
        "note": case.note,
        "inputs": inputs,
        "passed": False,
        "status": "failed",
        "message": "",
        "mismatch": None,
        "error": None,
        "hints": [],
        "mutated": [],
        "duration_ms": 0,
        "fresh": isinstance(case.seed, FreshSeed),  # drawn from the run's seed (the report says how to replay it)
    }
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))
    started = time.perf_counter()
    hints: list[str] = []
    mismatch: Mismatch | None = None
    try:
        if check.call is None and not hasattr(impl, check.entry):
            raise AttributeError(f"your file defines no `{check.entry}`")
        actual: Any = call(check, impl, case, args, kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit, os._exit, MemoryError: all reported
        error = describe_exception(exc, learner_file, memory_mb)
        result.update(
            status="error", error=error, message=error["message"] + (f" at {error['where']}" if error["where"] else "")
        )
        actual = Raised(type(exc).__name__, str(exc))
        if isinstance(exc, Exception) and diagnosis_form.raised_in_checker(exc, learner_file):
            # The exercise's `call` could not read what the learner returned: say what that was.
            form = _returned_form(check, case, impl, reference, learner_file)
            if form:
                result.update(status="failed", error=None, message=form)
        if isinstance(exc, NotImplementedError) and _raised_by_learner(exc, learner_file):
            hints.append(f"not implemented yet: write `{check.entry}` (it still raises NotImplementedError)")
        elif isinstance(exc, AttributeError) and "defines no" in str(exc):
            hints.append(f"define `{check.entry}` in your file, with the signature of the scaffold")
    result["duration_ms"] = round(1000 * (time.perf_counter() - started), 1)
    raw = actual
    try:
        actual = _canonical(check, actual)
    except Exception as exc:  # the learner's output has the wrong form for the canonical form
        actual = Raised(type(exc).__name__, str(exc))
        form = _form_against_reference(check, case, reference, raw)
        result.update(status="failed", message=form or f"output: cannot be read ({type(exc).__name__}: {exc})")

    if not isinstance(actual, Raised):
        if check.compare is None:
            try:
                mismatch = compare(item.expected, actual, check.tolerance_for, check.check_dtype)
            except Exception as exc:  # an output numpy cannot read (a generator, an object raising in __eq__)
                mismatch = Mismatch(
                    f"output: cannot compare a {type(actual).__name__} with the reference ({exc})", kind="type"
                )
        else:
            try:
                message = check.compare(item.expected, actual, case)
            except Exception as exc:  # the exercise's compare could not read the learner's output
                form = diagnosis_form.form_difference(item.expected, actual)
                message = (
                    f"your {form}" if form else f"output: cannot be compared ({type(exc).__name__}: {str(exc)[:200]})"
                )
            mismatch = Mismatch(message, kind="values") if message else None
        if mismatch is not None:
            result.update(mismatch=mismatch.to_json(), message=mismatch.message)
    mutated = _mutated(check, reference, case, args, kwargs)
    result["mutated"] = mutated
    if mutated and not result["message"]:
        result["message"] = f"modified input {', '.join(f'`{m}`' for m in mutated)} in place"
    passed = not isinstance(actual, Raised) and mismatch is None and not mutated
    result["passed"] = passed
    if passed:
        result["status"] = "passed"
        return result

    item.learner_output = actual
    item.probe_hints = _probe_hints(item, actual)
    hints[:0] = item.probe_hints
    diagnosed: list[str] = []
    if diagnose and not hints and not mutated and not isinstance(actual, Raised) and check.reference_output:
        diagnosed = _diagnose(item, actual, reference)
    hints += diagnosed
    hints += _built_in_hints(mismatch, mutated, check, bool(hints), case)
    result["hints"] = list(dict.fromkeys(hints))
    return result


def _diagnose(item: PlannedCase, actual: Any, reference: Any) -> list[str]:
    """The generic diagnosis of a failing case no probe named (app/verify/diagnosis.py); nothing if it fails."""
    import numpy as np

    from app.verify import diagnosis

    check, case = item.check, item.case

    def rerun32() -> Any:
        args, kwargs = _float32_copies(copy.deepcopy(case.args)), _float32_copies(copy.deepcopy(dict(case.kwargs)))
        return _canonical(
            check, check.expected(*args, **kwargs) if check.expected else call(check, reference, case, args, kwargs)
        )

    # A Triton reference runs in the interpreter on CPU: too slow to run again for a diagnosis.
    kernel = getattr(reference, "__name__", "").startswith("reference_impls.triton")
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return diagnosis.one_case(
                item.expected, actual, case.args, dict(case.kwargs), check.tolerance_for, None if kernel else rerun32
            )
    except Exception:  # noqa: BLE001 - a diagnosis that cannot read this output says nothing
        return []


def _float32_copies(value: Any) -> Any:
    """float64 arrays (anywhere in tuples, lists, dicts) as float32: the reference run as float32 code would."""
    import numpy as np

    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    if isinstance(value, tuple | list):
        return type(value)(_float32_copies(v) for v in value)
    if isinstance(value, dict):
        return {k: _float32_copies(v) for k, v in value.items()}
    return value


def _returned_form(check: Check, case: Case, impl: Any, reference: Any, learner_file: Path | None) -> str | None:
    """What the learner's functions returned, where it differs in form from the reference's (a re-run of
    both under a profiler); None when nothing differs (the checker's message then stands)."""
    try:
        reference_file = getattr(reference, "__file__", None)
        theirs = diagnosis_form.returns(
            reference_file and str(Path(reference_file).resolve()),
            lambda: call(check, reference, case, copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))),
        )
        ours = diagnosis_form.returns(
            str(learner_file),
            lambda: call(check, impl, case, copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))),
        )
        return diagnosis_form.returned_differently(ours, theirs)
    except Exception:  # noqa: BLE001 - no better message than the checker's own
        return None


def _form_against_reference(check: Check, case: Case, reference: Any, raw: Any) -> str | None:
    """The learner's raw output (before `canonical`) against the reference's raw output, in words."""
    try:
        args, kwargs = copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))
        theirs = check.expected(*args, **kwargs) if check.expected else call(check, reference, case, args, kwargs)
        form = diagnosis_form.form_difference(theirs, raw)
    except Exception:  # noqa: BLE001
        return None
    return f"your {form}" if form else None


def _mutated(check: Check, reference: Any, case: Case, args: tuple, kwargs: dict) -> list[str]:
    names = _input_names(check, reference, case)
    originals = list(case.args) + list(case.kwargs.values())
    copies = list(args) + list(kwargs.values())
    exact = lambda _dtype: (0.0, 0.0)  # noqa: E731
    return [
        name
        for name, original, seen in zip(names, originals, copies, strict=False)
        if _plain_data(original)
        and not _identical(original, seen)
        and compare(original, seen, exact, check_dtype=True) is not None
    ]


def _identical(original: Any, seen: Any) -> bool:
    """A quick "not modified" for the common inputs (a numeric array, a number, a string), before the
    general comparison: every case of every run asks, most of them of inputs left alone."""
    import numpy as np

    if type(original) is not type(seen):
        return False
    if isinstance(original, np.ndarray):
        kind = original.dtype.kind
        return (
            kind in "biufc"
            and original.dtype == seen.dtype
            and original.shape == seen.shape
            and bool(np.array_equal(original, seen, equal_nan=kind in "fc"))
        )
    return isinstance(original, int | str | bytes) and original == seen


def _plain_data(value: Any) -> bool:
    """Arrays, numbers, strings and containers of them: what a copy can be compared with (an rng cannot)."""
    import numbers

    import numpy as np

    return all(
        leaf is None or isinstance(leaf, np.ndarray | np.generic | numbers.Number | str | bytes)
        for _, leaf in leaves(value)
    )


def _probe_hints(item: PlannedCase, actual: Any) -> list[str]:
    """The hints of the probes whose output matches the learner's on this failing case (item.matched_probes)."""
    item.matched_probes = []
    if isinstance(actual, Raised) and actual.type == "NotImplementedError":
        return []  # the scaffold's body: "not implemented yet" says it all
    hints = []
    # An exception several probes raise alike comes from code they share, not from any one of their mistakes
    # (np.max over an empty axis raises in every softmax probe): it names none of them.
    same_raise = sum(
        1
        for probe, output in item.probe_outputs
        if probe.when is None and isinstance(actual, Raised) and isinstance(output, Raised) and output == actual
    )
    for probe, output in item.probe_outputs:
        try:
            if probe.when is not None:
                matched = bool(probe.when(item.case, actual, item.expected))
            elif isinstance(actual, Raised) or isinstance(output, Raised):
                # The same exception with the same message ("could not be broadcast ... (4,7) (4,)"): the same mistake.
                matched = isinstance(actual, Raised) and isinstance(output, Raised) and actual == output
                matched = matched and same_raise == 1
            else:
                matched = outputs_match(output, actual, item.check.tolerance_for)
        except Exception:  # a probe that cannot judge this output says nothing
            matched = False
        if matched:
            hints.append(probe.hint)
            item.matched_probes.append(probe)
    return hints


def _input_dtypes(value: Any) -> set[str]:
    """The dtypes a case's inputs carry: its arrays', and dtype arguments (torch.float64 -> "float64")."""
    import numpy as np

    if isinstance(value, np.ndarray | np.generic):
        return {str(value.dtype)}
    if isinstance(value, np.dtype) or type(value).__name__ == "dtype":  # a dtype argument (numpy's or torch's)
        return {str(value).removeprefix("torch.")}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple):
        return set().union(*(_input_dtypes(v) for v in value)) if value else set()
    return set()


def _built_in_hints(
    mismatch: Mismatch | None, mutated: list[str], check: Check, named: bool, case: Case | None = None
) -> list[str]:
    hints = []
    if mutated:
        first = mutated[0]
        hints.append(
            f"modified its input `{first}` in place: work on a copy ({first} = {first}.copy(), or {first}.clone() for a "
            "tensor) or use out-of-place operations"
        )
    if mismatch is None:
        return hints
    if mismatch.kind == "dtype" and mismatch.expected_dtype == "bool":  # a mask: no input dtype to keep
        hints.append(
            f"dtype changed: returned {mismatch.actual_dtype} where a boolean mask is expected; build it from "
            "comparisons (<, <=, &, ~) or convert with .bool() / .astype(bool), not as 0/1 numbers"
        )
    elif (
        mismatch.kind == "dtype"
        and case is not None
        and not _input_dtypes((case.args, case.kwargs)) & {mismatch.expected_dtype}
    ):  # no input carries the dtype asked for: the learner must name it where the array is made
        hints.append(
            f"dtype changed: returned {mismatch.actual_dtype} where the task asks for {mismatch.expected_dtype}, which "
            f"no input carries: give it where the array is made (dtype=torch.{mismatch.expected_dtype} / "
            f"np.{mismatch.expected_dtype})"
        )
    elif mismatch.kind == "dtype":
        hints.append(
            f"dtype changed: returned {mismatch.actual_dtype} for {mismatch.expected_dtype}; keep the input's dtype "
            "(float64 constants, np.zeros without dtype= and .astype(float) upcast)"
        )
    elif mismatch.kind == "shape" and not named:
        a, e = [d for d in mismatch.actual_shape or [] if d != 1], [d for d in mismatch.expected_shape or [] if d != 1]
        if a == e:
            hints.append(
                "the shape differs only in size-1 dimensions: a keepdims=True too many or too few, or a missing squeeze"
            )
        elif sorted(mismatch.actual_shape or []) == sorted(mismatch.expected_shape or []):
            hints.append("the same dimensions in another order: a transpose too many or too few")
        else:
            hints.append("wrong shape: check which axes each reduction and matmul removes, and the broadcasting")
    elif mismatch.nonfinite and not named:
        hints.append("nan/inf where the reference is finite: a log of 0, a 0/0 or a division by a sum that is 0")
    return hints
