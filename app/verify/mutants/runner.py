"""The parent side of `learn verify --mutants`: generate an exercise's mutants, run them in one child.

The mutated sources are written to a temp folder (the child reads them from there; Triton reads a
kernel's source from its file). The child is started like a normal verify's (forked from the fork
server, or a fresh interpreter: app/verify/runner.py) and reports each mutant; the deadline moves
with it (the plan and the unmutated run first, then each mutant's own limit plus a grace). A child
that hangs or dies on a mutant is killed, that mutant counted as killed (a learner would see the
check fail), and a new child runs the rest.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app import locations
from app.verify.mutants import equivalents
from app.verify.mutants.generate import Mutant, mutants
from app.verify.mutants.reach import module_path
from app.verify.mutants.results import ExerciseResult, Outcome
from reference_impls.exercise import Exercise, ExerciseInfo

START_S = 60.0  # the child's imports, the plan and the unmutated run (Triton's interpreter: seconds)
GRACE_S = 3.0  # past a mutant's own limit, before the parent kills a child stuck in C code

OnMutant = Callable[[str, int, int], None]  # (exercise id, done, total)


def run_exercise(
    info: ExerciseInfo, on_mutant: OnMutant | None = None, cases: tuple[str, ...] | None = None
) -> ExerciseResult:
    """Every mutant of the exercise's reference through its checks. `cases`: only these case labels
    ("forward/random"), a weaker check set (tests use it to see survivors)."""
    from app.verify import registry

    started = time.monotonic()
    exercise = registry.full(info)
    found = mutants(exercise.reference, [e.name for e in exercise.entry_points])
    declared, stale = equivalents.match(exercise.equivalent_mutants, found)
    result = ExerciseResult(exercise.id, found, declared, stale)
    tmpdir = tempfile.mkdtemp(prefix="learn-mutants-")
    try:
        specs = _write(found, exercise.reference, tmpdir)
        pending = list(found)
        while pending and result.error is None:
            ran = _run_child(exercise, specs, pending, tmpdir, result, on_mutant, cases)
            pending = [m for m in pending if m.n not in result.outcomes]
            if not ran and pending and result.error is None:
                result.error = "the child stopped before running any mutant"
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    result.seconds = time.monotonic() - started
    return result


def _write(found: list[Mutant], reference: str, tmpdir: str) -> dict:
    """Each mutant's file, and the unmutated copies: {"baseline": files, n: files} for the child."""
    modules = {m.module for m in found} | {reference}
    originals = {}
    for module in sorted(modules):
        path = Path(tmpdir, "original", module.replace(".", "_") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module_path(module).read_text(encoding="utf-8"), encoding="utf-8")
        originals[module] = str(path)
    followed = sorted(m for m in modules if m != reference)

    def files(n: int, mutated: Mutant | None) -> dict:
        changed = {mutated.module: _mutant_file(mutated, tmpdir)} if mutated else {}
        return {
            "n": n,
            "path": changed.get(reference, originals[reference]),
            "modules": [{"name": m, "path": changed.get(m, originals[m])} for m in followed],
        }

    return {"baseline": files(0, None), **{m.n: files(m.n, m) for m in found}}


def _mutant_file(mutant: Mutant, tmpdir: str) -> str:
    path = Path(tmpdir, str(mutant.n), Path(mutant.file).name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mutant.source, encoding="utf-8")
    return str(path)


def _run_child(
    exercise: Exercise, specs: dict, pending: list[Mutant], tmpdir: str, result: ExerciseResult, on_mutant, cases
) -> bool:
    """One child over the pending mutants; True when it reported at least one."""
    from app.verify import registry
    from app.verify.runner import SpawnedChild, _Capped, _pump, start_method

    spec = {
        "module": registry.module_name(exercise),
        "exercise": exercise.id,
        "impl": "mutants",
        "memory_mb": exercise.memory_limit_mb,
        "cwd": str(locations.REPO_ROOT),
        "workspace": None,
        "tmpdir": tmpdir,
        "baseline": specs["baseline"],
        "mutants": [specs[m.n] for m in pending],
        "cases": list(cases) if cases is not None else None,
    }
    nonce = secrets.token_hex(16)
    if start_method() == "forkserver":
        from app.verify.sandbox.forkserver import ForkedChild

        child = ForkedChild(spec, nonce, exercise.needs)
    else:
        child = SpawnedChild(spec, nonce)
    deadline = [time.monotonic() + max(START_S, 3 * exercise.time_limit_s)]
    state = {"limit_s": None, "running": None, "ran": 0, "spec_error": None, "baseline": None}
    by_n = {m.n: m for m in pending}

    def on(event: dict) -> None:
        if event.pop("nonce", None) != nonce:
            return
        kind = event.get("event")
        if kind == "baseline":
            state["baseline"] = event
            state["limit_s"] = float(event.get("limit_s") or 2.0)
        elif kind == "mutant_start":
            state["running"] = event["n"]
            deadline[0] = time.monotonic() + (state["limit_s"] or 2.0) + GRACE_S
        elif kind == "mutant":
            n = event["n"]
            state["running"] = None
            state["ran"] += 1
            result.record(Outcome(by_n[n], bool(event["killed"]), event.get("by") or "", float(event["seconds"])))
            if on_mutant is not None:
                on_mutant(exercise.id, len(result.outcomes), len(result.mutants))
        elif kind == "spec_error":
            state["spec_error"] = event.get("message", "")

    stdout, stderr = _Capped(), _Capped()
    try:
        timed_out = _pump(child, stdout, stderr, deadline, on)
    finally:
        child.kill_tree(wait_s=0 if timed_out else 0.5)
        returncode = child.wait()
        child.close()
    if state["spec_error"]:
        result.error = f"the exercise is broken: {state['spec_error']}"
    elif state["baseline"] is not None and not state["baseline"].get("passed"):
        result.error = f"the unmutated reference fails its own checks: {state['baseline'].get('failure')}"
    elif state["running"] is not None:  # hung (killed by us) or crashed on this mutant: killed
        why = "timed out" if timed_out else f"crashed (exit {returncode})"
        result.record(Outcome(by_n[state["running"]], True, f"the child {why} on this mutant", 0.0))
        state["ran"] += 1
        if on_mutant is not None:
            on_mutant(exercise.id, len(result.outcomes), len(result.mutants))
    elif state["baseline"] is None:
        tail = (stderr.text().strip().splitlines() or [""])[-1]
        result.error = f"the child stopped before the unmutated run ({'timed out' if timed_out else returncode}) {tail}"
    return state["ran"] > 0


def run_all(
    infos: list[ExerciseInfo], workers: int | None = None, on_mutant: OnMutant | None = None
) -> list[ExerciseResult]:
    """Each exercise in its own child, `workers` at a time (default: one per CPU); results in order."""
    from concurrent.futures import ThreadPoolExecutor

    workers = max(1, min(workers or os.cpu_count() or 1, len(infos) or 1))
    if workers == 1:
        return [run_exercise(info, on_mutant) for info in infos]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda info: run_exercise(info, on_mutant), infos))
