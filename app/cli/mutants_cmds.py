"""`learn verify --mutants [TARGET | --all] [--json]`: how well the checks catch mutants of the references.

Prints a table (per exercise: mutants, killed, equivalent, survived, score) and each survivor with
where it is and its diff; --json prints {"exercises": [{"id", "mutants", "killed", "equivalent",
"survived": [{"where", "diff", ...}], ...}]}. Exit 0 when every exercise meets the goal (results.py),
1 otherwise; an unknown target is a usage error (exit 2), raised by registry.find.
"""

from __future__ import annotations

import typer

from app.verify.mutants.results import GOAL_EQUIVALENT, GOAL_KILLED, ExerciseResult


def run(target: str | None, all_: bool, as_json: bool, workers: int | None) -> None:
    from app.cli.output import Output
    from app.errors import LearnError
    from app.verify import registry
    from app.verify.mutants.runner import run_all

    if (target is None) == (not all_):
        raise LearnError("name an exercise or module to mutation-test (learn verify --mutants softmax), or --all")
    infos = registry.listings() if all_ else registry.find(target)
    if all_:
        with _Progress() as progress:
            results = run_all(infos, workers, on_mutant=progress.update)
    else:
        results = run_all(infos, workers)
    out = Output(as_json)
    out.emit({"exercises": [r.to_json() for r in results]}, lambda console: print_results(console, results))
    if not all(r.meets_goal for r in results):
        raise typer.Exit(1)


class _Progress:
    """A bar per exercise on stderr (transient; hidden when stderr is not a terminal)."""

    def __enter__(self):
        from rich.console import Console

        from app.cli.output import progress_bars

        self.bars = progress_bars(Console(stderr=True))
        self.tasks: dict[str, int] = {}
        self.bars.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.__exit__(*exc)

    def update(self, exercise_id: str, done: int, total: int) -> None:
        if exercise_id not in self.tasks:
            self.tasks[exercise_id] = self.bars.add_task(exercise_id, total=total)
        self.bars.update(self.tasks[exercise_id], completed=done)
        if done >= total:
            self.bars.remove_task(self.tasks.pop(exercise_id))


def print_results(console, results: list[ExerciseResult]) -> None:
    from rich.markup import escape
    from rich.syntax import Syntax
    from rich.table import Table

    table = Table(title="Mutation testing", title_justify="left", show_edge=False, pad_edge=False)
    for column in ("Exercise", "Mutants", "Killed", "Equivalent", "Survived", "Score", "Time"):
        table.add_column(column, justify="left" if column == "Exercise" else "right")
    for r in results:
        mark = "[green]✔[/]" if r.meets_goal else "[red]✘[/]"
        table.add_row(
            f"{mark} {escape(r.id)}",
            str(len(r.mutants)),
            str(len(r.killed)),
            str(len(r.equivalent)),
            str(len(r.survived)),
            f"{100 * r.score:.1f} %",
            f"{r.seconds:.1f} s",
        )
    console.print(table)
    console.print(
        f"[dim]goal: at least {GOAL_KILLED:.0%} of the non-equivalent mutants killed, "
        f"at most {GOAL_EQUIVALENT:.0%} declared equivalent[/]"
    )
    for r in results:
        if r.error:
            console.print(f"\n[red]{escape(r.id)}[/]: {escape(r.error)}")
        for outcome in r.survived:
            console.print(
                f"\n[bold]{escape(r.id)}[/] survived: {escape(outcome.mutant.where)}  [dim]{escape(outcome.mutant.detail)}[/]"
            )
            console.print(Syntax(outcome.mutant.diff, "diff", theme="ansi_dark", background_color="default"))
        for declared in r.stale:
            console.print(
                f"\n[yellow]{escape(r.id)}[/]: stale equivalent (matches no mutant): "
                f"{escape(declared.where)}: {escape(declared.line)} -> {escape(declared.edit)}"
            )
        for outcome in r.wrongly_declared:
            console.print(
                f"\n[yellow]{escape(r.id)}[/]: declared equivalent but killed ({escape(outcome.by[:100])}): "
                f"{escape(outcome.mutant.where)}"
            )
