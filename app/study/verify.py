"""Verifying the learner's code: the one walk from a list of exercises to the stored attempts.

`learn verify` and the TUI's exercise panel both call `verify`: check that the learner's files exist,
run them in child processes (app.verify.runner), store one attempt per run (app.verify.attempts) and
tick the items of the exercises that passed. Progress comes back through `on_event` (the child's
events: "plan" with its cases, "case" with each result) and `on_done` (each exercise's report, as
it finishes); the faces draw them. Exercises are listed from `registry.listings()`, which imports no
exercise module: the children import the one they run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.errors import LearnError

if TYPE_CHECKING:
    from concurrent.futures import Future

    from sqlalchemy import Engine

    from app.verify.attempts import Ticks
    from app.verify.report import ExerciseReport
    from app.verify.runner import EventHandler
    from reference_impls.exercise import Exercise


class NoExerciseFiles(LearnError):
    """None of the exercises has a file in the workspace yet: nothing to run."""

    def __init__(self, exercises: list[Exercise]) -> None:
        from app.verify import registry

        modules = dict.fromkeys(registry.module_label(e.home_module) for e in exercises)
        workspace = registry.display_path(registry.learner_file(exercises[0]).parent.parent)
        starts = " and ".join(f"`learn start {m}`" for m in modules)
        super().__init__(f"no exercise files yet in {workspace}: run {starts}")
        self.exercises = exercises


@dataclass
class VerifyRun:
    """What a verify run did: a report per exercise, the attempts stored, the items ticked."""

    reports: list[ExerciseReport]
    reference: bool = False
    skip_missing: bool = False
    attempt_ids: list[str] = field(default_factory=list)
    ticks: Ticks | None = None  # None: nothing stored (a reference run)

    @property
    def passed(self) -> bool:
        return overall_passed(self.reports, self.skip_missing)

    def to_json(self) -> dict[str, Any]:
        """`learn verify --json` (its shape is stable: tests/test_verify_cli.py)."""
        from app.verify.report import summary

        return {
            "reference": self.reference,
            "passed": self.passed,
            "summary": summary(self.reports),
            "exercises": [r.to_json() for r in self.reports],
            "ticked": self.ticks.ticked if self.ticks else [],
            "waiting": self.ticks.waiting if self.ticks else {},
            "attempt_ids": self.attempt_ids,
        }


def overall_passed(reports: list[ExerciseReport], skip_missing: bool) -> bool:
    """--all checks what you have started; a module or exercise you name must be all there."""
    counted = [r for r in reports if not (skip_missing and r.status == "missing")]
    return bool(counted) and all(r.passed for r in counted)


def find_exercises(target: str, known_modules: Callable[[], list[str]] | None = None) -> list[Exercise]:
    """The exercises `target` names (an exercise id, or a module: "module-0.2", "0.2", "iv-deliverables"),
    from the listings. On a miss, the curriculum's module ids (`known_modules`, asked only then) tell
    "no such module" (with suggestions) from "this module has no exercises yet"."""
    from app.verify import registry

    listings = registry.listings()
    try:
        return registry.find(target, among=listings)
    except LearnError:
        if known_modules is None:
            raise
    return registry.find(target, known_modules(), among=listings)


def curriculum_modules(engine: Engine) -> list[str]:
    """Every module id of the synced curriculum."""
    from sqlalchemy import text

    with engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM module")).scalars())
        conn.rollback()
    return ids


def exercises_of_module(module_id: str) -> list[Exercise]:
    """The exercises of a curriculum module (its own and those ticking its items), from the listings."""
    from app.verify import registry

    return [e for e in registry.listings() if module_id in registry.modules_of(e)]


def module_exercises(engine: Engine, module_id: str, on_error: Callable[[str], None] | None = None) -> list[dict]:
    """For `learn show` and the module screen: each exercise of the module with its file and last
    attempt (None if never run). A broken exercise in reference_impls lists none and says why through
    `on_error`, rather than break the module's view."""
    from app.verify import registry
    from app.verify.attempts import last_attempts

    try:
        exercises = exercises_of_module(module_id)
    except Exception as exc:  # noqa: BLE001 - any error of an exercise module, which is the learner's to edit
        if on_error is not None:
            on_error(f"exercises not listed: reference_impls: {type(exc).__name__}: {exc}")
        return []
    last = last_attempts(engine, [e.id for e in exercises])
    return [
        {"id": e.id, "title": e.title, "file": str(registry.learner_file(e)), "last": last.get(e.id)} for e in exercises
    ]


def warm_up(needs: Collection[str] = ()) -> None:
    """Start the children's fork server now (it imports numpy), and the torch one if a run that needs
    `needs` (its exercises' together) will use it, while the caller does other work."""
    from app.verify.runner import start_method

    if start_method() == "forkserver":
        from app.verify.sandbox import warm_up as start_server

        start_server(needs=needs)


def verify(
    exercises: list[Exercise],
    store: Engine | Future | None,
    *,
    reference: bool = False,
    require_files: bool = True,
    skip_missing: bool = False,
    time_limit_s: float | None = None,
    workers: int | None = None,
    on_event: EventHandler | None = None,
    on_done: Callable[[ExerciseReport], None] | None = None,
    before_run: Callable[[], None] | None = None,
) -> VerifyRun:
    """Run `exercises` on the learner's files (or on the references, which stores nothing) and store
    the attempts in `store` (an engine, or a future of one still opening while the children run).

    Raises NoExerciseFiles when `require_files` and not one of the files exists; else calls
    `before_run` (the TUI starts the fork server there, with the real stderr) and runs them.
    """
    from app.verify import registry
    from app.verify.runner import Job, run_jobs

    if reference:
        jobs = [Job(e, f"module:{e.reference}", "reference") for e in exercises]
    else:
        if require_files and not any(registry.learner_file(e).is_file() for e in exercises):
            raise NoExerciseFiles(exercises)
        jobs = [Job(e, str(registry.learner_file(e))) for e in exercises]
    if before_run is not None:
        before_run()
    reports = run_jobs(jobs, workers=workers, time_limit_s=time_limit_s, on_event=on_event, on_done=on_done)
    run = VerifyRun(reports, reference=reference, skip_missing=skip_missing)
    engine = store.result() if hasattr(store, "result") else store
    if engine is not None and not reference:
        from app.verify.attempts import store_attempts, tick_items

        run.attempt_ids = store_attempts(engine, reports)
        by_id = {e.id: e for e in exercises}
        run.ticks = tick_items(engine, [by_id[r.id] for r in reports if r.passed], registry.listings())
    return run
