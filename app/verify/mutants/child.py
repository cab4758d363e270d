"""The child side of `learn verify --mutants`: one process per exercise runs every mutant.

Called by app/verify/child.py's worker when the spec has "mutants" (the same supervisor, the same
Triton-interpreter / eager-dynamo set-up and memory limit as a normal verify). It plans the cases
and their reference outputs once (checking.plan, before any mutant is loaded), runs the unmutated
copy of the reference through the same loading path (it must pass every case: else the engine,
not the checks, is wrong), then loads each mutant's source in place of the learner's file and runs
the cases until the first one that fails: the mutant is killed. A mutant that raises, loops past
its time limit or runs out of memory is killed too (a learner would see the check fail).

Events (JSON lines, as app/verify/child.py's): plan {cases}, baseline {passed, failure, seconds,
limit_s}, mutant_start {n}, mutant {n, killed, by, seconds}, spec_error {message}, done.
A mutant that hangs in C code (no Python bytecode runs, so the alarm cannot fire) is killed by the
parent, which starts a new child for the rest (app/verify/mutants/runner.py); so is one that leaves
a faulted CUDA context behind (an illegal address is sticky: every later call would fail with it).
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import signal
import sys
import time
import types
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MIN_LIMIT_S = 2.0  # a mutant's time limit: this, or LIMIT_FACTOR x the unmutated reference's run
LIMIT_FACTOR = 5.0


class MutantTimeout(BaseException):
    """A mutant ran past its time limit (BaseException: no `except Exception` in the checks swallows it)."""


def run(events, spec: dict) -> None:
    from app.verify import checking
    from app.verify.child import _load, apply_memory_limit

    kernel_mode = None
    try:
        exercise, _ = _load(spec["module"], spec["exercise"])
        if "torch" in exercise.needs:
            from app.verify.sandbox import eager_dynamo

            eager_dynamo.install()
        if "triton" in exercise.needs:
            from app.verify.sandbox import triton_mode

            kernel_mode = triton_mode.choose()  # before any kernel module is imported
        reference = importlib.import_module(exercise.reference)
        oracle = importlib.import_module(exercise.oracle) if exercise.oracle else reference
        planned = checking.plan(exercise, oracle)
        if spec.get("cases") is not None:  # a weaker check set, on purpose (tests)
            planned = [item for item in planned if item.label in spec["cases"]]
    except Exception as exc:  # noqa: BLE001 - a broken exercise is reported
        events.send("spec_error", message=f"{type(exc).__name__}: {exc}")
        events.send("done")
        return
    if "torch" in exercise.needs:
        import torch  # noqa: F401 - before the memory limit, as a normal verify does
    if "triton" in exercise.needs:
        import triton.language  # noqa: F401
    if kernel_mode != "cuda":  # a CUDA context maps tens of GiB of address space (as in app/verify/child.py)
        apply_memory_limit(int(spec["memory_mb"]))
    events.send("plan", cases=[item.label for item in planned])
    sys.dont_write_bytecode = True

    started = time.perf_counter()
    failure = _first_failure(planned, spec["baseline"], spec, None)
    seconds = time.perf_counter() - started
    limit_s = max(MIN_LIMIT_S, LIMIT_FACTOR * seconds)
    events.send("baseline", passed=failure is None, failure=failure, seconds=seconds, limit_s=limit_s)
    if failure is not None:
        events.send("done")
        return
    for mutant in spec["mutants"]:
        events.send("mutant_start", n=mutant["n"])
        started = time.perf_counter()
        by = _first_failure(planned, mutant, spec, limit_s)
        events.send("mutant", n=mutant["n"], killed=by is not None, by=by, seconds=time.perf_counter() - started)
        if kernel_mode == "cuda" and by is not None and not _cuda_usable():
            break  # a faulted CUDA context fails every later call: the parent starts a fresh child for the rest
    events.send("done")


def _cuda_usable() -> bool:
    import torch

    try:
        torch.cuda.synchronize()
        torch.zeros(1, device="cuda").add_(1).item()
    except Exception:  # noqa: BLE001 - an illegal access is sticky: any call raises
        return False
    return True


def _first_failure(planned, files: dict, spec: dict, limit_s: float | None) -> str | None:
    """The first failing case of the implementation `files` describes ("check/case: why"), or None."""
    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"), _alarm(limit_s):
        warnings.simplefilter("ignore")
        try:
            with _loaded(files, spec) as impl:
                for item in planned:
                    why = _case_failure(item, impl)
                    if why is not None:
                        return f"{item.label}: {why}"
        except MutantTimeout:
            return f"timed out after {limit_s:g} s"
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - it does not import: killed
            return f"does not load: {type(exc).__name__}: {str(exc)[:120]}"
    return None


def _case_failure(item, impl) -> str | None:
    from app.verify import checking
    from app.verify.compare import compare

    check, case = item.check, item.case
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(dict(case.kwargs))
    try:
        actual = checking.call(check, impl, case, args, kwargs)
        if check.canonical is not None:
            actual = check.canonical(actual)
        if check.compare is not None:
            message = check.compare(item.expected, actual, case)
        else:
            mismatch = compare(item.expected, actual, check.tolerance_for, check.check_dtype)
            message = mismatch.message if mismatch is not None else None
    except (MutantTimeout, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - a mutant's exception fails the case
        return f"raised {type(exc).__name__}: {str(exc)[:120]}"
    if message:
        return message
    if _modified(case, args, kwargs):
        return "modified its input"
    return None


def _modified(case, args: tuple, kwargs: dict) -> bool:
    from app.verify.compare import compare

    exact = lambda _dtype: (0.0, 0.0)  # noqa: E731
    for original, seen in zip([*case.args, *case.kwargs.values()], [*args, *kwargs.values()], strict=False):
        try:
            if compare(original, seen, exact, check_dtype=True) is not None:
                return True
        except Exception:  # noqa: BLE001 - not plain data (an rng, a module): not compared
            continue
    return False


@contextmanager
def _alarm(limit_s: float | None):
    if limit_s is None:
        yield
        return

    def expire(_signum, _frame):
        raise MutantTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _loaded(files: dict, spec: dict):
    """The implementation to check: `files["path"]` (the reference file, mutated or not) loaded as a
    module of its own, with `files["modules"]` (kernels/ files the reference imports when called,
    mutated or not) in sys.modules under their names meanwhile. A namespace, not a module: the launch
    check of the Triton exercises treats it as the reference's own code."""
    name = f"mutant_{spec['exercise']}_{files['n']}"
    saved = {m["name"]: sys.modules.get(m["name"]) for m in files["modules"]}
    try:
        for n, replaced in enumerate(files["modules"]):
            sys.modules[replaced["name"]] = _module(Path(replaced["path"]), f"{name}_{n}")
        yield types.SimpleNamespace(**vars(_module(Path(files["path"]), name)))
    finally:
        for key in [k for k in sys.modules if k == name or k.startswith(f"{name}_")]:
            del sys.modules[key]
        for module, previous in saved.items():
            if previous is None:
                sys.modules.pop(module, None)
            else:
                sys.modules[module] = previous


def _module(path: Path, name: str) -> Any:
    """Import a file under `name` without putting its folder on sys.path."""
    module_spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    module_spec.loader.exec_module(module)
    return module
