"""`learn today`: what the dashboard's Continue panel says, in the terminal (app/today.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store


def register(app: typer.Typer) -> None:
    app.command("today")(today)


@handles_errors
def today(
    items: Annotated[int, typer.Option("--items", "-n", min=1, help="How many of the module's next items.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """What to do today: the next unticked items of the module in progress, the drill cards due (and
    the new ones left today), the exercises whose last verify failed with their hint, the streak."""
    from app.today import learn_today

    data = learn_today(open_store(), datetime.now(UTC), items=items)
    Output(as_json).emit(data.to_json(), lambda console: _print_today(console, data))


def _print_today(console, data) -> None:
    from rich.markup import escape

    from app.cli.progress_cmds import STATUS_MARK, _inline
    from app.relative_time import ago
    from app.relative_time import module_heading as module_label

    now = datetime.now(UTC)
    if data.module:
        m = data.module
        console.print(
            f"[bold]Continue[/]  {escape(module_label(m['id']))}: {escape(m['title'])}  "
            f"[dim]{m['items_done']} / {m['items_total']} done[/]"
        )
        for item in data.next_items:
            console.print(f"  {STATUS_MARK[item.status]} {_inline(item.text)}")
            console.print(f"    [dim]{escape(item.id)}[/]")  # on a line of its own: whole, ready to copy
        if not data.next_items:
            console.print("  [green]every item done[/]: `learn status` for the next module")
    else:
        console.print("[bold]Continue[/]  nothing started yet: `learn status`, then `learn show MODULE`")
    console.print()
    if data.drill_error:
        console.print(f"[bold]Drills[/]  [red]{escape(data.drill_error)}[/]")
    elif data.drill is not None and data.drill.cards:
        d = data.drill
        console.print(
            f"[bold]Drills[/]  [bold cyan]{d.due}[/] due · {d.new} new left today · "
            f"streak {d.streak_days} day{'s' if d.streak_days != 1 else ''}  [dim](learn drill)[/]"
        )
    if data.failures:
        console.print()
        console.print("[bold]Failing[/]  [dim](learn verify EXERCISE)[/]")
        for f in data.failures:
            console.print(
                f"  [red]✘[/] {escape(f.exercise_id)} {f.checks_passed}/{f.checks_total}  "
                f"[dim]{escape(ago(f.started_at, now))}[/]"
            )
            if f.hint:
                console.print(f"    [yellow]{escape(f.hint)}[/]", overflow="ellipsis", no_wrap=True)
