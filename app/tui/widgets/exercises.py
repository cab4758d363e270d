"""A module's exercises with their last verify result; `s` writes the stubs (`learn start`), `v` runs
`learn verify` on them in a worker thread, its progress streaming into a log and a bar; on a CUDA
machine `b` runs the module's kernel exercises alone, whose children time the kernels once their checks
pass (`learn bench --mine`), each timing a line of the log.

The run is `learn verify`'s own: app.study.verify.verify checks the files, runs them in child
processes, stores the attempts and ticks the items of the exercises that passed; this panel draws
its events.
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, ProgressBar, RichLog
from textual.widgets.option_list import Option

from app.relative_time import ago

_servers_started = threading.Lock()


def start_verify_servers() -> None:
    """Start the verify fork server (and multiprocessing's resource tracker) with the real stderr.

    multiprocessing hands `sys.stderr.fileno()` to its resource tracker; while Textual runs, sys.stderr
    is its print capture, whose fileno() is -1, and the spawn fails ("bad value(s) in fds_to_keep").
    Swapped for the milliseconds of the spawn, once per process; later launches find both running.
    """
    from app.study.verify import warm_up
    from app.verify.runner import start_method

    if start_method() != "forkserver" or not _servers_started.acquire(blocking=False):
        return
    captured = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        warm_up()
    finally:
        sys.stderr = captured


def exercise_prompt(exercise: dict, now: datetime) -> Text:
    """One exercise of `module_exercises`: mark, id, title, and its last attempt."""
    last = exercise.get("last")
    if last is None:
        mark, result = ("○", "dim"), Text("not run yet", style="dim")
    else:
        mark = ("✔", "green") if last["passed"] else ("✘", "red")
        result = Text.assemble(
            f"{last['checks_passed']}/{last['checks_total']} checks ", (ago(last["started_at"], now), "dim")
        )
    return Text.assemble(mark, " ", (exercise["id"], "bold"), "  ", (exercise["title"], ""), "\n  ", result)


class ExercisePanel(Vertical):
    class Finished(Message):
        """A verify run ended (stored, items ticked): the module screen reloads."""

        def __init__(self, ticked: list[str]) -> None:
            super().__init__()
            self.ticked = ticked

    def __init__(self, module_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.module_id = module_id
        self.exercises: list[dict] = []
        self.running = False
        self.timeable: set[str] = set()  # kernel exercises to time: set by the module screen on a CUDA machine

    def compose(self) -> ComposeResult:
        yield OptionList(id="exercise-list")
        yield ProgressBar(id="verify-progress", show_eta=False)
        # min_width: RichLog's default (78) renders wider than an 80-column terminal leaves it, and clips
        yield RichLog(id="verify-log", markup=True, wrap=True, highlight=False, min_width=20)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(RichLog).write(
            "[dim]v: verify your files for this module · s: write the stubs "
            "(`learn start`), your files are never overwritten[/]"
        )

    def show_exercises(self, exercises: list[dict], now: datetime) -> None:
        listing = self.query_one(OptionList)
        keep = listing.highlighted
        self.exercises = exercises
        listing.set_options(Option(exercise_prompt(e, now), id=e["id"]) for e in exercises)
        if exercises:
            listing.highlighted = keep if keep is not None and keep < len(exercises) else 0

    # -- start -------------------------------------------------------------------------------------------

    def start_workspace(self) -> None:
        from app.errors import LearnError
        from app.study.verify import exercises_of_module
        from app.verify import registry, scaffold
        from app.verify.homes import split_by_home

        log = self.query_one(RichLog)
        try:
            own, shared = split_by_home(self.module_id, exercises_of_module(self.module_id))
            started = scaffold.start(own)  # only this module's folder; shared exercises live in their home
        except LearnError as exc:
            log.write(f"[red]{escape(exc.message)}[/]")
            return
        for entry in started:
            path = escape(registry.display_path(entry.path))
            log.write(f"[green]created[/] {path}" if entry.created else f"[yellow]kept your file[/] {path}")
        for exercise in shared:
            log.write(f"{exercise.id}: in {escape(registry.display_path(registry.learner_file(exercise)))} (its home)")
        log.write("Fill in the [cyan]# TODO[/]s, then press [bold]v[/] to verify.")

    # -- verify ------------------------------------------------------------------------------------------

    def verify(self, engine, kernels_only: bool = False) -> None:
        """Verify the module's exercises (kernels_only: its kernel exercises, timed on the GPU once they pass)."""
        if self.running:
            return
        self.running = True
        log = self.query_one(RichLog)
        log.clear()
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        if kernels_only:
            log.write("[bold]Timing your kernels[/] [dim](learn bench --mine): checked first, timed once they pass[/]")
        self.run_worker(
            lambda: self._verify_in_thread(engine, kernels_only),
            thread=True,
            exclusive=True,
            group="verify",
            exit_on_error=False,
        )

    def _verify_in_thread(self, engine, kernels_only: bool = False) -> None:
        from app.study.verify import NoExerciseFiles, exercises_of_module, verify

        call = self.app.call_from_thread
        exercises = exercises_of_module(self.module_id)
        if kernels_only:
            exercises = [e for e in exercises if e.id in self.timeable]
        if not exercises:
            call(self._no_files, exercises)
            return
        try:
            run = verify(
                exercises,
                engine,
                on_event=lambda report, event: call(self._on_event, report, event),
                on_done=lambda report: call(self._on_done, report),
                before_run=start_verify_servers,
            )
        except NoExerciseFiles:
            call(self._no_files, exercises)
            return
        call(self._finished, run.reports, run.ticks)

    def _no_files(self, exercises) -> None:
        from app.verify import registry

        folder = registry.display_path(registry.learner_file(exercises[0]).parent) if exercises else "the workspace"
        self.query_one(RichLog).write(
            f"[yellow]No exercise files yet in {escape(folder)}[/]: press [bold]s[/] "
            "to write the stubs, fill in the TODOs, then [bold]v[/]."
        )
        self._stop()

    def _on_event(self, report, event: dict) -> None:
        log, bar = self.query_one(RichLog), self.query_one(ProgressBar)
        kind = event.get("event")
        if kind == "plan":
            cases = len(event.get("cases", []))
            bar.update(total=(bar.total or 0) + cases)
            log.write(f"[bold]▶ {escape(report.id)}[/] [dim]{escape(report.file)} · {cases} checks[/]")
        elif kind == "case":
            result = event["result"]
            bar.advance(1)
            if result.get("passed"):
                log.write(f"  [green]✔[/] {escape(result.get('label', ''))}")
            else:
                message = result.get("message") or result.get("status", "")
                log.write(f"  [red]✘[/] {escape(result.get('label', ''))}  [dim]{escape(str(message))}[/]")

    def _on_done(self, report) -> None:
        log = self.query_one(RichLog)
        mark = {"passed": "[green]✔[/]", "missing": "[dim]○[/]"}.get(report.status, "[red]✘[/]")
        status = "not started" if report.status == "missing" else report.status  # no file, or the stub untouched
        counts = f"{report.checks_passed}/{report.checks_total} checks" if report.checks_total else status
        log.write(f"{mark} [bold]{escape(report.id)}[/]  {counts}  [dim]{report.duration_ms / 1000:.1f} s[/]")
        if report.error:
            log.write(f"  [{'dim' if report.status == 'missing' else 'red'}]{escape(report.error)}[/]")
        for hint in report.hints[:3]:
            log.write(f"  [yellow]hint:[/] {escape(hint)}")
        if report.timing and report.timing.status != "no_cuda":  # a kernel exercise's GPU timings
            from app.verify.kernel_timing import describe

            style = {"measured": "cyan", "error": "red"}.get(report.timing.status, "dim")
            log.write(f"  [{style}]⏱ {escape(describe(report.timing.to_json()))}[/]")

    def _finished(self, reports, ticks) -> None:
        log = self.query_one(RichLog)
        passed = sum(r.passed for r in reports)
        log.write(
            f"\n[bold]{passed} of {len(reports)} exercises passed[/], "
            f"{sum(r.checks_passed for r in reports)} of {sum(r.checks_total for r in reports)} checks"
        )
        no_cuda = next((r.timing.message for r in reports if r.timing and r.timing.status == "no_cuda"), None)
        if no_cuda:  # once per run, as `learn verify` says it
            log.write(f"[dim]⏱ {escape(no_cuda)}[/]")
        for item in ticks.ticked:
            log.write(f"[green]✔ ticked[/] {escape(item)}")
        for item, others in ticks.waiting.items():
            log.write(f"[dim]{escape(item)} is ticked when these pass too: {escape(', '.join(others))}[/]")
        self._stop()
        self.post_message(self.Finished(list(ticks.ticked)))

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "verify" and event.state == WorkerState.ERROR:
            self.query_one(RichLog).write(f"[red]verify failed: {escape(repr(event.worker.error))}[/]")
            self._stop()

    def _stop(self) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
