"""`learn start MODULE` (write the exercise stubs) and `learn verify` (check the learner's code)."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.completion import complete_verify_target
from app.cli.output import JsonOpt, Output, handles_errors, open_store

MAX_FAILURES_SHOWN = 3  # per exercise; --json has them all
OUTPUT_LINES_SHOWN = 8


def register(app: typer.Typer) -> None:
    app.command("start")(start)
    app.command("verify")(verify)


def _known_modules(engine) -> list[str]:
    from sqlalchemy import text

    with engine.connect() as conn:
        ids = list(conn.execute(text("SELECT id FROM module")).scalars())
        conn.rollback()
    return ids


@handles_errors
def start(
    module: Annotated[str, typer.Argument(help="Module id (module-0.2, 0.2, iv-deliverables) or exercise id (softmax).",
                                          autocompletion=complete_verify_target)],
    as_json: JsonOpt = False,
) -> None:
    """Write the module's exercise files into your workspace (stubs with the task; your files are kept)."""
    from app import locations
    from app.verify import registry, scaffold

    from app.verify.homes import split_by_home

    own, shared = split_by_home(module, registry.find(module, _known_modules(open_store())))
    started = scaffold.start(own)

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
        console.print(f"\nFill in the [cyan]# TODO[/]s, then: [bold]learn verify {escape(module)}[/]  [dim](--watch to re-check on save)[/]")

    Output(as_json).emit(
        {"target": module, "workspace": str(locations.workspace_dir()), "files": [s.to_json() for s in started],
         "shared": [{"id": e.id, "module_id": e.home_module, "file": str(registry.learner_file(e)),
                     "exists": registry.learner_file(e).is_file()} for e in shared]}, human
    )


@handles_errors
def verify(
    target: Annotated[str | None, typer.Argument(help="Module id (module-0.2, iv-deliverables) or exercise id (softmax).",
                                                 autocompletion=complete_verify_target)] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every exercise.")] = False,
    reference: Annotated[bool, typer.Option("--reference", help="Check the references themselves (maintainers, CI); stores nothing.")] = False,
    watch: Annotated[bool, typer.Option("--watch", "-w", help="Re-run on every save of your files (Ctrl-C to stop).")] = False,
    time_limit: Annotated[float | None, typer.Option("--time-limit", min=0.5, help="Seconds per exercise (default: the exercise's, 10).")] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Exercises run at once (default: one per CPU).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check your code for a module's exercises against the references, in a sandboxed child process.

    Exit 0: every check passed; 1: a check failed (or a named exercise's file is missing; --all skips
    exercises not started); 2: bad usage (unknown module or exercise). Every run is stored; an
    exercise whose checks all pass ticks its checklist items.
    """
    from app.errors import LearnError
    from app.verify import registry

    if target is None and not all_:
        raise LearnError("name what to verify: a module (learn verify module-0.2), an exercise (learn verify softmax), "
                         "or --all; `learn show MODULE` lists a module's exercises")
    if target is not None and all_:
        raise LearnError("name a module or exercise (learn verify module-0.2), or pass --all, not both")
    if watch and (reference or as_json):
        raise LearnError("--watch re-runs your files as you save them; it does not combine with --reference or --json")
    _warm_up()
    exercises = registry.listings() if all_ else _find(target, reference)
    # The database (sqlalchemy, the curriculum sync) opens in the background while the children run.
    store = None if reference else _in_background(open_store)
    out = Output(as_json)
    if watch:
        _watch(store.result(), exercises, out, time_limit, jobs)
        return
    reports, _ = _run(store, exercises, out, reference, time_limit, jobs, skip_missing=all_)
    if not overall_passed(reports, skip_missing=all_):
        raise typer.Exit(1)


def _find(target: str, reference: bool):
    """The exercises of `target` from the registry alone; the curriculum only to explain a miss."""
    from app.errors import LearnError
    from app.verify import registry

    listings = registry.listings()  # no need to import every exercise module (app/verify/index.py)
    try:
        return registry.find(target, among=listings)
    except LearnError:
        if reference:
            raise
    return registry.find(target, _known_modules(open_store()), among=listings)


def _in_background(fn):
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="learn-store")
    future = pool.submit(fn)
    pool.shutdown(wait=False)
    return future


def _warm_up() -> None:
    """Start the fork server of the children now: it imports numpy while we sync the curriculum."""
    from app.verify.runner import start_method

    if start_method() == "forkserver":
        from app.verify.forkserver import warm_up

        warm_up()


def _jobs(exercises, reference: bool):
    from app.verify import registry
    from app.verify.runner import Job

    if reference:
        return [Job(e, f"module:{e.reference}", "reference") for e in exercises]
    return [Job(e, str(registry.learner_file(e))) for e in exercises]


def overall_passed(reports, skip_missing: bool) -> bool:
    """--all checks what you have started; a module or exercise you name must be all there."""
    counted = [r for r in reports if not (skip_missing and r.status == "missing")]
    return bool(counted) and all(r.passed for r in counted)


def _run(store, exercises, out, reference: bool, time_limit, workers, *, watching: bool = False, skip_missing: bool = False):
    """Run, store (store: an engine, a future of one, or None for reference runs), print; (reports, ticks)."""
    from app.errors import LearnError
    from app.verify import registry
    from app.verify.report import summary
    from app.verify.runner import run_jobs

    jobs = _jobs(exercises, reference)
    if not reference and not watching and not any(registry.learner_file(e).is_file() for e in exercises):
        modules = dict.fromkeys(registry.module_label(e.home_module) for e in exercises)
        raise LearnError(f"no exercise files yet in {registry.display_path(registry.learner_file(exercises[0]).parent.parent)}: run "
                         + " and ".join(f"`learn start {m}`" for m in modules))
    if out.json_mode:
        reports = run_jobs(jobs, workers=workers, time_limit_s=time_limit)
    else:
        reports = _run_with_progress(out.console, jobs, workers, time_limit)
    ticks = None
    attempt_ids: list[str] = []
    engine = store.result() if hasattr(store, "result") else store
    if engine is not None:
        from app.verify.attempts import store_attempts, tick_items

        attempt_ids = store_attempts(engine, reports)
        by_id = {e.id: e for e in exercises}
        ticks = tick_items(engine, [by_id[r.id] for r in reports if r.passed], registry.listings())
    data = {
        "reference": reference,
        "passed": overall_passed(reports, skip_missing),
        "summary": summary(reports),
        "exercises": [r.to_json() for r in reports],
        "ticked": ticks.ticked if ticks else [],
        "waiting": ticks.waiting if ticks else {},
        "attempt_ids": attempt_ids,
    }
    out.emit(data, lambda console: _print_reports(console, reports, ticks, reference))
    return reports, ticks


def _run_with_progress(console, jobs, workers, time_limit):
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    from app.verify.runner import run_jobs

    progress = Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=not console.is_terminal,
    )
    tasks: dict[str, int] = {}

    def on_event(report, event) -> None:
        kind = event.get("event")
        if kind == "plan":
            tasks[report.id] = progress.add_task(escape(report.id), total=len(event.get("cases", [])))
        elif kind == "case" and report.id in tasks:
            progress.advance(tasks[report.id])

    def on_done(report) -> None:
        if report.id in tasks:
            progress.remove_task(tasks.pop(report.id))
        progress.console.print(_one_line(report))

    with progress:
        return run_jobs(jobs, workers=workers, time_limit_s=time_limit, on_event=on_event, on_done=on_done)


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
    for column, justify in (("Exercise", "left"), ("Result", "left"), ("Checks", "right"), ("Time", "right"), ("File", "left")):
        table.add_column(column, justify=justify, no_wrap=column != "File", overflow="fold")
    style = {"passed": "green", "missing": "dim"}
    for report in reports:
        label = {"missing": "not started", "spec_error": "broken spec"}.get(report.status, report.status)
        table.add_row(
            escape(report.id), f"[{style.get(report.status, 'red')}]{label}[/]",
            f"{report.checks_passed} / {report.checks_total}", f"{report.duration_ms / 1000:.1f} s", escape(report.file),
        )
    console.print(table)
    _print_timings(console, reports)
    passed = sum(r.passed for r in reports)
    console.print(f"{passed} of {len(reports)} exercises passed, "
                  f"{sum(r.checks_passed for r in reports)} of {sum(r.checks_total for r in reports)} checks")
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
    measured = [r for r in timed if r.timing.get("status") == "measured"]
    if measured:
        table = Table(title=f"GPU timings ({escape(measured[0].timing.get('device') or 'cuda')}; median ms, "
                            "speedup = their time / yours)", title_justify="left", show_edge=False, pad_edge=False)
        for column in ("Exercise", "Size", "Yours", "Reference", "torch", "vs reference", "vs torch", "Throughput", "Roofline"):
            table.add_column(column, justify="left" if column in ("Exercise", "Size") else "right", no_wrap=True)
        for report in measured:
            t = report.timing
            throughput = f"{t['tflops']:.3g} TFLOP/s" if t.get("tflops") else f"{t['gbps']:.0f} GB/s" if t.get("gbps") else "-"
            roofline = f"{100 * t['roofline_fraction']:.0f}%" if t.get("roofline_fraction") is not None else "-"
            speedup = f"{_speedup(t['speedup_vs_reference'])}"
            if t.get("suspect"):
                speedup = f"[red]{speedup} suspect[/]"
            table.add_row(escape(report.id), escape(t.get("size") or ""), f"{t['ms']['yours']:.3g}",
                          f"{t['ms']['reference']:.3g}", f"{t['ms']['torch']:.3g}", speedup,
                          _speedup(t["speedup_vs_torch"]), throughput, roofline)
        console.print(table)
        for report in measured:
            if report.timing.get("suspect"):
                console.print(f"  [yellow]{escape(report.id)}:[/] {escape(report.timing.get('message') or '')}")
    for report in timed:
        if report.timing.get("status") in ("error", "skipped"):
            style = "red" if report.timing["status"] == "error" else "dim"
            console.print(f"[{style}]{escape(report.id)}: {escape(report.timing.get('message') or '')}[/]")
    no_cuda = next((r.timing.get("message") for r in timed if r.timing.get("status") == "no_cuda"), None)
    if no_cuda:
        console.print(f"[dim]{escape(no_cuda)}[/]")


def _speedup(value) -> str:
    return f"{value:.2f}x" if isinstance(value, int | float) else str(value)


def _print_failure(console, report) -> None:
    from rich.markup import escape

    console.print(f"\n[red]✘[/] [bold]{escape(report.id)}[/]  [dim]{escape(report.title)} · {escape(report.file)}[/]")
    if report.error:
        console.print(f"  [red]{escape(report.error)}[/]")
    if report.error_detail:
        _print_frames(console, report.error_detail.get("traceback", []))
    failures = [c for c in report.failures if c["status"] != "not_run"]
    if failures and all((c.get("error") or {}).get("type") == "NotImplementedError" for c in failures):
        todo = ", ".join(dict.fromkeys(f"`{c['entry']}`" for c in failures))
        console.print(f"  [yellow]not implemented yet:[/] {escape(todo)} still raise NotImplementedError")
        return
    # The same error in many cases (NotImplementedError everywhere) is shown once, with a count.
    same: dict[tuple, list[dict]] = {}
    for case in failures:
        key = (case["check"], case["message"]) if case["status"] == "error" else (case["index"],)
        same.setdefault(key, []).append(case)
    groups = list(same.values())
    # One failure per check (forward, backward) first, then more of the same check.
    firsts, seconds, seen = [], [], set()
    for group in groups:
        (seconds if group[0]["check"] in seen else firsts).append(group)
        seen.add(group[0]["check"])
    shown = 0
    for group in (firsts + seconds)[:MAX_FAILURES_SHOWN]:
        case = group[0]
        shown += len(group)
        also = f"  [dim](and {len(group) - 1} more cases of {escape(case['check'])}, the same error)[/]" if len(group) > 1 else ""
        console.print(f"  [red]✘[/] {escape(case['label'])}  [dim]{escape(case.get('detail') or '')}[/]{also}")
        if case.get("message"):
            console.print(f"      {escape(case['message'])}")
        mismatch = case.get("mismatch") or {}
        for index, expected, actual in list(zip(mismatch.get("indices", []), mismatch.get("expected_values", []),
                                                mismatch.get("actual_values", []), strict=False))[:2]:
            where = tuple(index) if len(index) != 1 else index[0]
            console.print(f"      at {where}: got {_value(actual)}, expected {_value(expected)}")
        if case.get("error"):
            _print_frames(console, case["error"].get("traceback", []), indent="      ")
        if case.get("note"):
            console.print(f"      [dim]{escape(case['note'])}[/]")
    rest = len(failures) - shown
    if rest > 0:
        console.print(f"  [dim]... and {rest} more failing checks (`learn verify {escape(report.id)} --json` lists them all)[/]")
    for hint in report.hints:
        console.print(f"  [yellow]hint:[/] {escape(hint)}")
    for stream in ("stdout", "stderr"):
        text = report.output.get(stream) or ""
        if text.strip():
            lines = text.rstrip("\n").splitlines()
            console.print(f"  [dim]your {stream} ({len(lines)} lines{', truncated' if report.output.get('truncated') else ''}):[/]")
            for line in lines[:OUTPUT_LINES_SHOWN]:
                console.print(f"    [dim]{escape(line[:200])}[/]")
            if len(lines) > OUTPUT_LINES_SHOWN:
                console.print("    [dim]...[/]")


def _value(value) -> str:
    return f"{value:.7g}" if isinstance(value, float) else str(value)


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
        console.print(f"[dim]watching {escape(', '.join(registry.display_path(f) for f in folders))}; Ctrl-C to stop[/]")

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
            result = f"{mark} {last['checks_passed']}/{last['checks_total']} checks  [dim]{escape(last['started_at'])}[/]"
        console.print(f"  [bold]{escape(exercise['id'])}[/]  {escape(exercise['title'])}  {result}")
        console.print(f"    [dim]{escape(display_path(Path(exercise['file'])))}[/]")
    console.print()
