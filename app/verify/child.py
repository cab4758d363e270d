"""The child process that runs one exercise's checks on one implementation.

    python -P -m app.verify.child RESULTS_FD SPEC_JSON        (the nonce in $LEARN_RUN_NONCE)

or `forked_main` in a process forked from a fork server (app/verify/sandbox/forkserver.py). SPEC
(runner.run_job) names the exercise ("module", "exercise"), the implementation ("impl": a .py path,
`module:DOTTED.NAME` for the reference, or `code:PATH` for a code card's answer, run with the
exercise's preamble in its namespace), "memory_mb", "cwd", the folders the code may write to
("workspace", "tmpdir"), and "seed", the run's seed that fresh cases are drawn from (app/verify/seeds.py).

This process is the run's supervisor (app/verify/sandbox/processes.py): it forks the worker that
does everything below and kills whatever the worker left behind. The worker closes every inherited
descriptor, drops the LEARN_* variables and, before the learner's file is imported, sets the memory
limit and confines its writes (app/verify/sandbox/confine.py).

Results go to the pipe RESULTS_FD as JSON lines, never through stdout (the learner's prints go there,
and the parent only keeps the first MiB). Every line carries the run's nonce, so a line the learner's
code writes to the pipe without it is ignored. Events, in order:

    {"event": "plan", "cases": [{"index", "check", "case", "label", "detail"}], "memory_enforced": bool,
     "writes_confined": bool, "kernel_mode": "cuda" | "interpreter" | null}
    {"event": "case_start", "index": 3}      before each learner call (the parent names the case on a timeout)
    {"event": "case", "result": {...}}       see checking.run_case
    {"event": "load_error", "error": {...}}  the file did not import (syntax error, exception, exit)
    {"event": "spec_error", "message": "..."} the exercise itself is broken
    {"event": "diagnosis", "hints": {"3": [...]}}  after the cases: a case's hints, replaced (diagnosis_across.py)
    {"event": "timing_start"}               a kernel exercise's GPU timing begins (the parent extends the deadline)
    {"event": "timing", "result": {...}}     its timings, or why there are none (app/verify/kernel_timing.py)
    {"event": "output", "stdout": n, "stderr": n}  characters the learner printed (all, not just those kept)
    {"event": "done"}

The memory limit (RLIMIT_AS = address space in use after the reference outputs are computed plus
MEMORY_MB) is set before the learner's file is imported. macOS does not enforce RLIMIT_AS: there the
limit is reported as not enforced and only the parent's time limit applies; so is it for a Triton
exercise running on CUDA (a CUDA context maps tens of GiB of address space).

A Triton exercise (`needs` names "triton") runs its kernels compiled on CUDA when there is a device,
else in Triton's interpreter: app/verify/sandbox/triton_mode.py decides, before the reference or the
learner's file is imported.
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

_real_exit = os._exit

if __name__ != "__main__":  # in the fork server: import the heavy part once, before any fork
    import app.verify.checking  # noqa: F401  (numpy, the spec)
    from reference_impls.catalog import infos

    infos()  # the exercises' catalog, parsed once here rather than in every child (~5 ms each)
    import app.verify.sandbox.confine  # noqa: F401
    import app.verify.sandbox.processes  # noqa: F401
    from app.verify.sandbox import landlock

    landlock.abi()  # asked once here, cached for every child
    # What nearly every child imports, once here (numpy.random alone is ~18 ms of a ~60 ms child:
    # numpy loads it lazily): the cases' generators, the registry, the diagnosis of failures.
    import resource  # noqa: F401
    import secrets  # noqa: F401

    import numpy.random  # noqa: F401

    import app.errors  # noqa: F401
    import app.verify.diagnosis  # noqa: F401
    import app.verify.diagnosis_across  # noqa: F401
    import app.verify.registry  # noqa: F401
    import reference_impls.exercises._cases  # noqa: F401
    import reference_impls.exercises._fresh  # noqa: F401


class Events:
    def __init__(self, fd: int, nonce: str = "") -> None:
        self.fd, self.nonce = fd, nonce

    def send(self, event: str, **data) -> None:
        line = json.dumps(_jsonable({"event": event, **data, "nonce": self.nonce}), default=str, allow_nan=False) + "\n"
        payload = line.encode()
        while payload:
            written = os.write(self.fd, payload)
            payload = payload[written:]


def _jsonable(value):
    """Strict JSON: numpy scalars as Python, nan / inf as strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # a numpy scalar
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _address_space_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def apply_memory_limit(megabytes: int) -> bool:
    """Cap the address space at what is in use now plus `megabytes`; True when the kernel enforces it."""
    try:
        import resource
    except ImportError:  # Windows
        return False
    current = _address_space_bytes()
    limit = (current or 0) + megabytes * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        return False
    return sys.platform != "darwin" and current is not None


class CappedText:
    """sys.stdout / sys.stderr for the learner's code: passes the first `limit` characters through and
    only counts the rest, so a debug print left in a loop costs no system calls (the parent keeps
    the first MiB anyway)."""

    def __init__(self, stream, limit: int) -> None:
        self.stream, self.limit, self.total = stream, limit, 0

    def write(self, text: str) -> int:
        room = self.limit - self.total
        self.total += len(text)
        if room > 0:
            self.stream.write(text[:room])
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


OUTPUT_LIMIT = 2**20 + 1  # one more than the parent keeps, so it sees that there was more


def _learner_exit(code: int = 0) -> None:
    from app.verify.checking import LearnerExit

    raise LearnerExit(code)


def main(argv: list[str]) -> None:
    """A fresh interpreter (runner.SpawnedChild)."""
    nonce = os.environ.pop("LEARN_RUN_NONCE", "")
    _supervise(int(argv[0]), json.loads(argv[1]), nonce)


def _supervise(fd: int, spec: dict, nonce: str) -> None:
    from app.verify.sandbox.processes import supervise

    supervise(lambda: _work(fd, spec, nonce))
    _real_exit(0)


def _work(fd: int, spec: dict, nonce: str) -> None:
    from app.verify.sandbox import confine

    confine.close_inherited(keep=(1, 2, fd))
    confine.scrub_environment(spec.get("tmpdir"))
    events = Events(fd, nonce)
    try:
        if "mutants" in spec:  # learn verify --mutants: the reference's mutants, not a learner's file
            from app.verify.mutants.child import run as run_mutants

            run_mutants(events, spec)
        else:
            _run(events, spec)
    except KeyboardInterrupt:
        pass
    finally:
        _flush()
        _real_exit(0)  # skip the learner's atexit handlers and threads


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a learner may have replaced or closed them
            pass


def _load(module_name: str, exercise_id: str):
    """(exercise, its reference or None): a module with `code_exercise` builds a code card's."""
    import importlib

    module = importlib.import_module(module_name)
    if hasattr(module, "code_exercise"):
        return module.code_exercise(exercise_id)
    from reference_impls.exercises import load

    return load(module_name, exercise_id), None


def _run(events: Events, spec: dict) -> None:
    import importlib

    from app.verify import checking
    from app.verify.sandbox import confine

    impl_arg, memory_mb = spec["impl"], int(spec["memory_mb"])
    kernel_mode = None  # "cuda" | "interpreter" for exercises that need triton
    try:
        exercise, reference = _load(spec["module"], spec["exercise"])
        if "torch" in exercise.needs:
            from app.verify.sandbox import eager_dynamo

            eager_dynamo.install()  # before the reference runs: torch.optim would import torch._dynamo (~1.5 s)
        if "triton" in exercise.needs:
            from app.verify.sandbox import triton_mode

            # Before any kernel module is imported: @triton.jit reads TRITON_INTERPRET when it decorates.
            kernel_mode = triton_mode.choose()
        reference = reference or importlib.import_module(exercise.reference)
        oracle = importlib.import_module(exercise.oracle) if exercise.oracle else reference
        from reference_impls.exercise import set_run_seed

        set_run_seed(spec.get("seed"))  # before the cases are made: grid(..., fresh=N) draws from it
        planned = checking.plan(exercise, oracle)
    except Exception as exc:  # noqa: BLE001 - a broken exercise is reported, not raised
        events.send("spec_error", message=f"{type(exc).__name__}: {exc}")
        events.send("done")
        return
    cases = []
    for item in planned:
        _, detail = checking.describe_case(item.check, reference, item.case)
        cases.append(
            {
                "index": item.index,
                "check": item.check.name,
                "case": item.case.name,
                "label": item.label,
                "detail": detail,
            }
        )
    if "torch" in exercise.needs:
        import torch  # noqa: F401 - before the memory limit: its libraries map gigabytes of address space
    if "triton" in exercise.needs:
        import triton.language  # noqa: F401 - likewise (libtriton, LLVM), after triton_mode.choose()
    # A CUDA context reserves tens of GiB of address space, and device allocations map more: no RLIMIT_AS
    # there (the time limit still applies).
    enforced = apply_memory_limit(memory_mb) if kernel_mode != "cuda" else False
    confined = spec.get("confine_writes", True) and confine.restrict_writes(
        spec.get("workspace"), spec.get("tmpdir"), gpu=kernel_mode == "cuda"
    )
    events.send("plan", cases=cases, memory_enforced=enforced, writes_confined=confined, kernel_mode=kernel_mode)

    learner_file: Path | None = None
    sys.stdout, sys.stderr = CappedText(sys.stdout, OUTPUT_LIMIT), CappedText(sys.stderr, OUTPUT_LIMIT)
    sys.dont_write_bytecode = True  # no __pycache__ in the learner's workspace
    os._exit = _learner_exit  # reported as a failure instead of ending the process
    sys.argv = [impl_arg]
    try:
        if impl_arg.startswith("module:"):
            impl = importlib.import_module(impl_arg.removeprefix("module:"))
        elif impl_arg.startswith("code:"):  # a code card's answer: the card's imports are in its namespace
            learner_file = Path(impl_arg.removeprefix("code:")).resolve()
            impl = checking.load_file(learner_file, f"learner_{exercise.id}", preamble=exercise.preamble)
        else:
            learner_file = Path(impl_arg).resolve()
            impl = checking.load_file(learner_file, f"learner_{exercise.id}")
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - SyntaxError, SystemExit, MemoryError, anything
        events.send("load_error", error=checking.describe_exception(exc, learner_file, memory_mb))
        _send_output_counts(events)
        events.send("done")
        return
    passed = 0
    results: dict[int, dict] = {}
    for item in planned:
        _flush()  # the learner's prints so far reach the parent even if this case never returns
        events.send("case_start", index=item.index)
        try:
            result = checking.run_case(item, impl, reference, learner_file, memory_mb)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - the spec's own compare / canonical broke
            events.send("spec_error", message=f"checking {item.label}: {type(exc).__name__}: {exc}")
            break
        events.send("case", result=result)
        results[item.index] = result
        passed += bool(result["passed"])
    if passed < len(results):
        _send_diagnosis(events, planned, results)
    if exercise.benchmark is not None:
        _flush()
        _send_timing(events, exercise, impl, reference, kernel_mode, passed == len(planned))
    _send_output_counts(events)
    events.send("done")


def _send_diagnosis(events: Events, planned, results: dict[int, dict]) -> None:
    """The hints that only the view across cases and checks gives (app/verify/diagnosis_across.py), as
    {"event": "diagnosis", "hints": {index: [every hint of that case]}}: each replaces the case's list."""
    from app.verify import diagnosis_across

    try:
        updates = diagnosis_across.across(planned, results)
    except Exception:  # noqa: BLE001 - a diagnosis that breaks leaves the cases' own hints
        return
    if updates:
        events.send("diagnosis", hints={str(index): hints for index, hints in updates.items()})


def _send_timing(events: Events, exercise, impl, reference, kernel_mode: str | None, all_passed: bool) -> None:
    """The GPU timings of a kernel exercise, or why there are none (not an error: correctness stands)."""
    from app.verify import kernel_timing

    if kernel_mode != "cuda":
        result = {"status": "no_cuda", "message": kernel_timing.NO_CUDA}
    elif not all_passed:
        result = {"status": "skipped", "message": "not timed: the kernel is timed once every check passes"}
    else:
        events.send("timing_start")  # the parent gives the timing a budget of its own
        try:
            result = kernel_timing.measure(exercise, impl, reference)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - the learner's code at the timed size: reported, not fatal
            result = {"status": "error", "message": f"timing failed: {type(exc).__name__}: {str(exc)[:200]}"}
    events.send("timing", result=result)


def _send_output_counts(events: Events) -> None:
    counts = {name: getattr(getattr(sys, name), "total", 0) for name in ("stdout", "stderr")}
    events.send("output", **counts)


def forked_main(stdout, stderr, results, spec: dict, nonce: str) -> None:
    """The entry point in a process forked from the runner's fork server (numpy already imported)."""
    try:
        os.setsid()  # a process group of its own (all the runner can kill where there is no /proc)
    except OSError:
        pass
    _flush()
    os.dup2(stdout.fileno(), 1)
    os.dup2(stderr.fileno(), 2)
    stdout.close()
    stderr.close()
    os.chdir(spec["cwd"])
    sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]  # as python -P: no cwd on the path
    _supervise(results.fileno(), spec, nonce)


if __name__ == "__main__":
    main(sys.argv[1:])
