"""`learn start MODULE` (write the exercise stubs) and `learn verify` (check the learner's code)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.completion import complete_verify_target
from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store

MAX_FAILURES_SHOWN = 3  # per exercise; --json has them all
OUTPUT_LINES_SHOWN = 8


def register(app: typer.Typer) -> None:
    app.command("start")(start)
    app.command("verify")(verify)


@handles_errors
def start(
    module: Annotated[
        str,
        typer.Argument(
            help="Module id (module-0.2, 0.2, iv-deliverables) or exercise id (softmax).",
            autocompletion=complete_verify_target,
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """Write the module's exercise files into your workspace (stubs with the task; your files are kept)."""
    from app import locations
    from app.study.verify import curriculum_modules, find_exercises
    from app.verify import registry, scaffold
    from app.verify.homes import split_by_home

    engine = open_store()
    own, shared = split_by_home(module, find_exercises(module, lambda: curriculum_modules(engine)))
    started = scaffold.start(own)  # only this module's folder; shared exercises live in their home

    def human(console) -> None:
        from rich.markup import escape

        for entry in started:
            path = escape(registry.display_path(entry.path))
            if entry.created:
                console.print(f"[green]created[/] {path}  [dim]{escape(entry.exercise.title)}[/]")
            else:
                console.print(f"[yellow]kept your file[/] {path}  [dim](already there; not overwritten)[/]")
        for exercise in shared:
            where = registry.learner_file(exercise)
            later = "" if where.is_file() else f"; not written yet: learn start {exercise.id}"
            console.print(f"{exercise.id}: in {escape(registry.display_path(where))} (its home){later}")
        console.print(
            f"\nFill in the [cyan]# TODO[/]s, then: [bold]learn verify {escape(module)}[/]  [dim](--watch to re-check on save)[/]"
        )

    Output(as_json).emit(
        {
            "target": module,
            "workspace": str(locations.workspace_dir()),
            "files": [s.to_json() for s in started],
            "shared": [
                {
                    "id": e.id,
                    "module_id": e.home_module,
                    "file": str(registry.learner_file(e)),
                    "exists": registry.learner_file(e).is_file(),
                }
                for e in shared
            ],
        },
        human,
    )


@handles_errors
def verify(
    target: Annotated[
        str | None,
        typer.Argument(
            help="Module id (module-0.2, iv-deliverables) or exercise id (softmax).",
            autocompletion=complete_verify_target,
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every exercise.")] = False,
    reference: Annotated[
        bool, typer.Option("--reference", help="Check the references themselves (maintainers, CI); stores nothing.")
    ] = False,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help="Re-run on every save of your files (Ctrl-C to stop).")
    ] = False,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.5, help="Seconds per exercise (default: the exercise's, 10).")
    ] = None,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="Exercises run at once (default: one per CPU).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed", min=0, help="Replay a run: the seed its fresh cases were drawn from (a report names it)."
        ),
    ] = None,
    mutants: Annotated[
        bool, typer.Option("--mutants", help="Mutation-test the checks on mutants of the references (maintainers, CI).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Check your code for a module's exercises against the references, in a sandboxed child process.

    Exit 0: every check passed; 1: a check failed (or a named exercise's file is missing; --all skips
    exercises not started); 2: bad usage (unknown module or exercise). Every run is stored; an
    exercise whose checks all pass ticks its checklist items.

    Contained (code cards too): a time, memory and output limit; every process the code starts dies
    with the run; no LEARN_* variables, no open files of ours. On Linux (Landlock, 5.13+) it writes
    only to its workspace folder and a temp folder. Not contained: reading files, the network; no
    memory limit on macOS or for kernels on CUDA; without Landlock any write; without /proc only the
    process group is killed.
    """
    from app.errors import LearnError
    from app.study.verify import curriculum_modules, find_exercises, overall_passed, warm_up
    from app.verify import registry

    if target is None and not all_:
        raise LearnError(
            "name what to verify: a module (learn verify module-0.2), an exercise (learn verify softmax), "
            "or --all; `learn show MODULE` lists a module's exercises"
        )
    if target is not None and all_:
        raise LearnError("name a module or exercise (learn verify module-0.2), or pass --all, not both")
    if mutants:  # app/cli/mutants_cmds.py
        if reference or watch:
            raise LearnError(
                "--mutants runs mutants of the references; it does not combine with --reference or --watch"
            )
        from app.cli.mutants_cmds import run as run_mutants

        return run_mutants(target, all_, as_json, jobs)
    if watch and (reference or as_json):
        raise LearnError("--watch re-runs your files as you save them; it does not combine with --reference or --json")
    if seed is not None:
        import os

        from app.verify.seeds import ENV

        os.environ[ENV] = str(seed)  # the runner draws every fresh case of this run from it
    # The exercises from the listings alone; the curriculum only to explain a miss.
    explain = None if reference else (lambda: curriculum_modules(open_store()))
    exercises = registry.listings() if all_ else find_exercises(target, explain)
    # The children's fork servers import numpy (and torch, and triton where only its interpreter can
    # run, if the exercises need them) while the store opens.
    warm_up({need for exercise in exercises for need in exercise.needs})
    # The database (sqlalchemy, the curriculum sync) opens in the background while the children run.
    store = None if reference else _in_background(open_store)
    out = Output(as_json)
    if watch:
        _watch(store.result(), exercises, out, time_limit, jobs)
        return
    reports, _ = _run(store, exercises, out, reference, time_limit, jobs, skip_missing=all_)
    if not overall_passed(reports, skip_missing=all_):
        raise typer.Exit(1)


def _in_background(fn):
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="learn-store")
    future = pool.submit(fn)
    pool.shutdown(wait=False)
    return future


def _run(
    store, exercises, out, reference: bool, time_limit, workers, *, watching: bool = False, skip_missing: bool = False
):
    """Run and store (app.study.verify; store: an engine, a future of one, or None for reference runs),
    then print; (reports, ticks)."""
    from app.study.verify import verify as run_verify

    def verify_with(**events):
        return run_verify(
            exercises,
            store,
            reference=reference,
            require_files=not watching,
            skip_missing=skip_missing,
            time_limit_s=time_limit,
            workers=workers,
            **events,
        )

    if out.json_mode:
        run = verify_with()
    else:
        with _Progress(out.console) as progress:
            run = verify_with(on_event=progress.on_event, on_done=progress.on_done)
    out.emit(run.to_json(), lambda console: _print_reports(console, run.reports, run.ticks, reference))
    return run.reports, run.ticks


class _Progress:
    """A Rich progress bar per running exercise (transient), and a line per finished one."""

    def __init__(self, console) -> None:
        from app.cli.output import progress_bars

        self.bars = progress_bars(console)
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        self.bars.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.__exit__(*exc)

    def on_event(self, report, event) -> None:
        from rich.markup import escape

        kind = event.get("event")
        if kind == "plan":
            self.tasks[report.id] = self.bars.add_task(escape(report.id), total=len(event.get("cases", [])))
        elif kind == "case" and report.id in self.tasks:
            self.bars.advance(self.tasks[report.id])

    def on_done(self, report) -> None:
        if report.id in self.tasks:
            self.bars.remove_task(self.tasks.pop(report.id))
        self.bars.console.print(_one_line(report))


MARK = {"passed": "[green]✔[/]", "missing": "[dim]○[/]"}


def _one_line(report) -> str:
    from rich.markup import escape

    mark = MARK.get(report.status, "[red]✘[/]")
    counts = f"{report.checks_passed}/{report.checks_total} checks" if report.checks_total else report.status
    error = f"  [red]{escape(report.error)}[/]" if report.error else ""
    return f"{mark} [bold]{escape(report.id)}[/]  {counts}  [dim]{report.duration_ms / 1000:.1f} s[/]{error}"


def _print_reports(console, reports, ticks, reference: bool) -> None:
    from rich.markup import escape
    from rich.table import Table

    for report in reports:
        if not report.passed and report.status != "missing":
            _print_failure(console, report)
    table = Table(title="Reference check" if reference else None, title_justify="left", show_edge=False, pad_edge=False)
    for column, justify in (
        ("Exercise", "left"),
        ("Result", "left"),
        ("Checks", "right"),
        ("Time", "right"),
        ("File", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=column != "File", overflow="fold")
    style = {"passed": "green", "missing": "dim"}
    for report in reports:
        label = {"missing": "not started", "spec_error": "broken spec"}.get(report.status, report.status)
        table.add_row(
            escape(report.id),
            f"[{style.get(report.status, 'red')}]{label}[/]",
            f"{report.checks_passed} / {report.checks_total}",
            f"{report.duration_ms / 1000:.1f} s",
            escape(report.file),
        )
    console.print(table)
    _print_timings(console, reports)
    passed = sum(r.passed for r in reports)
    console.print(
        f"{passed} of {len(reports)} exercises passed, "
        f"{sum(r.checks_passed for r in reports)} of {sum(r.checks_total for r in reports)} checks"
    )
    missing = [r for r in reports if r.status == "missing"]
    if missing:
        console.print(f"[dim]{len(missing)} not started: {escape(missing[0].error or '')}[/]")
    if ticks:
        for item in ticks.ticked:
            console.print(f"[green]✔ ticked[/] {escape(item)}")
        for item, others in ticks.waiting.items():
            console.print(f"[dim]{escape(item)} is ticked when these pass too: {escape(', '.join(others))}[/]")


def _print_timings(console, reports) -> None:
    """Kernel exercises: the GPU timings table, or once why there are none (not an error)."""
    from rich.markup import escape
    from rich.table import Table

    timed = [r for r in reports if r.timing]
    measured = [r for r in timed if r.timing.measured]
    if measured:
        table = Table(
            title=f"GPU timings ({escape(measured[0].timing.device or 'cuda')}; median ms, "
            "speedup = their time / yours)",
            title_justify="left",
            show_edge=False,
            pad_edge=False,
        )
        for column in (
            "Exercise",
            "Size",
            "Yours",
            "Reference",
            "torch",
            "vs reference",
            "vs torch",
            "Throughput",
            "Roofline",
        ):
            table.add_column(column, justify="left" if column in ("Exercise", "Size") else "right", no_wrap=True)
        for report in measured:
            t = report.timing
            throughput = f"{t.tflops:.3g} TFLOP/s" if t.tflops else f"{t.gbps:.0f} GB/s" if t.gbps else "-"
            roofline = f"{100 * t.roofline_fraction:.0f}%" if t.roofline_fraction is not None else "-"
            speedup = _speedup(t.speedup_vs_reference)
            if t.suspect:
                speedup = f"[red]{speedup} suspect[/]"
            table.add_row(
                escape(report.id),
                escape(t.size or ""),
                f"{t.ms['yours']:.3g}",
                f"{t.ms['reference']:.3g}",
                f"{t.ms['torch']:.3g}",
                speedup,
                _speedup(t.speedup_vs_torch),
                throughput,
                roofline,
            )
        console.print(table)
        for report in measured:
            if report.timing.suspect:
                console.print(f"  [yellow]{escape(report.id)}:[/] {escape(report.timing.message or '')}")
    for report in timed:
        if report.timing.status in ("error", "skipped"):
            style = "red" if report.timing.status == "error" else "dim"
            console.print(f"[{style}]{escape(report.id)}: {escape(report.timing.message or '')}[/]")
    no_cuda = next((r.timing.message for r in timed if r.timing.status == "no_cuda"), None)
    if no_cuda:
        console.print(f"[dim]{escape(no_cuda)}[/]")


def _speedup(value) -> str:
    return f"{value:.2f}x" if isinstance(value, int | float) else str(value)


def _print_failure(console, report) -> None:
    from rich.markup import escape

    from app.verify.digits import distinct
    from app.verify.results import CaseResult, CaseStatus

    console.print(f"\n[red]✘[/] [bold]{escape(report.id)}[/]  [dim]{escape(report.title)} · {escape(report.file)}[/]")
    if report.error:
        console.print(f"  [red]{escape(report.error)}[/]")
    if report.error_detail:
        _print_frames(console, report.error_detail.get("traceback", []))
    failures = [c for c in report.failures if c.status != CaseStatus.NOT_RUN]
    if failures and all((c.error or {}).get("type") == "NotImplementedError" for c in failures):
        todo = ", ".join(dict.fromkeys(f"`{c.entry}`" for c in failures))
        console.print(f"  [yellow]not implemented yet:[/] {escape(todo)} still raise NotImplementedError")
        return
    # The same error in many cases (NotImplementedError everywhere) is shown once, with a count.
    same: dict[tuple, list[CaseResult]] = {}
    for case in failures:
        key = (case.check, case.message) if case.status == CaseStatus.ERROR else (case.index,)
        same.setdefault(key, []).append(case)
    groups = list(same.values())
    # One failure per check (forward, backward) first, then more of the same check.
    firsts, seconds, seen = [], [], set()
    for group in groups:
        (seconds if group[0].check in seen else firsts).append(group)
        seen.add(group[0].check)
    shown = 0
    for group in (firsts + seconds)[:MAX_FAILURES_SHOWN]:
        case = group[0]
        shown += len(group)
        also = (
            f"  [dim](and {len(group) - 1} more cases of {escape(case.check)}, the same error)[/]"
            if len(group) > 1
            else ""
        )
        console.print(f"  [red]✘[/] {escape(case.label)}  [dim]{escape(case.detail or '')}[/]{also}")
        if case.message:
            console.print(f"      {escape(case.message)}")
        mismatch = case.mismatch or {}
        for index, expected, actual in list(
            zip(
                mismatch.get("indices", []),
                mismatch.get("expected_values", []),
                mismatch.get("actual_values", []),
                strict=False,
            )
        )[:2]:
            where = tuple(index) if len(index) != 1 else index[0]
            got, want = distinct(actual, expected)
            console.print(f"      at {where}: got {got}, expected {want}")
        if case.error:
            _print_frames(console, case.error.get("traceback", []), indent="      ")
        if case.note:
            console.print(f"      [dim]{escape(case.note)}[/]")
    rest = len(failures) - shown
    if rest > 0:
        console.print(
            f"  [dim]... and {rest} more failing checks (`learn verify {escape(report.id)} --json` lists them all)[/]"
        )
    if report.replay:
        console.print(f"  [yellow]{escape(report.replay)}[/]")
    for hint in report.hints:
        console.print(f"  [yellow]hint:[/] {escape(hint)}")
    for stream, text in (("stdout", report.output.stdout), ("stderr", report.output.stderr)):
        if text.strip():
            lines = text.rstrip("\n").splitlines()
            console.print(
                f"  [dim]your {stream} ({len(lines)} lines{', truncated' if report.output.truncated else ''}):[/]"
            )
            for line in lines[:OUTPUT_LINES_SHOWN]:
                console.print(f"    [dim]{escape(line[:200])}[/]")
            if len(lines) > OUTPUT_LINES_SHOWN:
                console.print("    [dim]...[/]")


def _print_frames(console, frames, indent: str = "  ") -> None:
    from rich.markup import escape

    for frame in frames:
        if frame.get("line") is None:
            console.print(f"{indent}[dim]{escape(frame.get('function', ''))}[/]")
            continue
        code = f": {escape(frame['code'])}" if frame.get("code") else ""
        console.print(f"{indent}[dim]{escape(frame['file'])}:{frame['line']} in {escape(frame['function'])}[/]{code}")


def _watch(engine, exercises, out, time_limit, workers) -> None:
    from rich.markup import escape

    from app.verify import registry
    from app.verify.watch import file_changes, watch_loop

    console = out.console
    files = {registry.learner_file(e): e for e in exercises}
    folders = sorted({p.parent for p in files})
    missing = [p for p in files if not p.is_file()]
    if len(missing) == len(files):
        _run(engine, exercises, out, False, time_limit, workers)  # raises: nothing started yet

    def run(selected) -> None:
        console.rule(f"[dim]{', '.join(e.id for e in selected)}[/]")
        _run(engine, selected, out, False, time_limit, workers, watching=True)
        console.print(
            f"[dim]watching {escape(', '.join(registry.display_path(f) for f in folders))}; Ctrl-C to stop[/]"
        )

    try:
        watch_loop(files, run, file_changes(folders))
    except KeyboardInterrupt:
        pass
    console.print("[dim]stopped watching[/]")


def print_exercises(console, exercises: list[dict]) -> None:
    """`learn show`'s Exercises section: each exercise, its file and its last result."""
    from pathlib import Path

    from rich.markup import escape

    from app.verify.registry import display_path

    if not exercises:
        return
    console.print("[bold underline]Exercises[/]  [dim](learn start / learn verify)[/]")
    for exercise in exercises:
        last = exercise["last"]
        if last is None:
            result = "[dim]not run yet[/]"
        else:
            mark = "[green]✔ passed[/]" if last["passed"] else f"[red]✘ {escape(last.get('status') or 'failed')}[/]"
            result = (
                f"{mark} {last['checks_passed']}/{last['checks_total']} checks  [dim]{escape(last['started_at'])}[/]"
            )
        console.print(f"  [bold]{escape(exercise['id'])}[/]  {escape(exercise['title'])}  {result}")
        console.print(f"    [dim]{escape(display_path(Path(exercise['file'])))}[/]")
    console.print()
