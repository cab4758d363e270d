"""`learn status`, `learn show`, `learn check` / `uncheck` / `doing`."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.completion import complete_item, complete_module_or_item, complete_track
from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store

STATUS_MARK = {"done": "[green]✔[/]", "in_progress": "[yellow]◐[/]", "todo": "[dim]○[/]"}
STATUS_STYLE = {"Done": "green", "Started": "yellow", "Not Started": "dim"}


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("show")(show)
    app.command("check")(check)
    app.command("uncheck")(uncheck)
    app.command("doing")(doing)


@handles_errors
def status(
    track: Annotated[
        str | None, typer.Option("--track", "-t", help="Only this track (id).", autocompletion=complete_track)
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The progress dashboard: per track and category, status, completion, modules and items done."""
    from app.dashboard import dashboard

    tracks = dashboard(open_store(), track)
    Output(as_json).emit({"tracks": [t.to_json() for t in tracks]}, lambda console: _print_dashboard(console, tracks))


def _print_dashboard(console, tracks) -> None:
    from rich.table import Table

    from app.dashboard import text_bar

    if not tracks:
        console.print("No curriculum yet: add YAML to curriculum/ or run `learn import PLAN.md`.")
    # The plan's bars are 25 cells; narrower terminals get shorter bars, not a clipped table.
    # The other columns take 48 cells (with the bar's percentage and the borders): the category name
    # gets up to 32 of what is left first, then the bar grows to the plan's 25 cells.
    bar_width = max(10, min(25, console.width - 48 - 32))
    category_width = max(16, min(34, console.width - 48 - bar_width))  # the same in every track's table
    for track in tracks:
        table = Table(
            title=f"[bold]{track.title}[/]  [dim]({track.id})[/]",
            title_justify="left",
            expand=False,
            show_edge=False,
            pad_edge=False,
        )
        table.add_column("Category", width=category_width, overflow="fold")
        table.add_column("Status", no_wrap=True, min_width=11)
        table.add_column("Completion", no_wrap=True)
        table.add_column("Modules", justify="right", no_wrap=True)
        table.add_column("Items", justify="right", no_wrap=True, min_width=13)
        rows = [*track.categories, None, track]
        for row in rows:
            if row is None:
                table.add_section()
                continue
            name = f"[bold]{row.title}[/]" if row is not track else "[bold]Total[/]"
            style = STATUS_STYLE[row.status]
            doing = f" [yellow]+{row.items_in_progress}[/]" if row.items_in_progress else ""
            table.add_row(
                name,
                f"[{style}]{row.status}[/]",
                f"[{style}]{text_bar(row.fraction, bar_width)}[/] {100 * row.fraction:3.0f}%",
                f"{row.modules_done} / {row.modules_total}",
                f"{row.items_done} / {row.items_total}{doing}",
            )
        console.print(table)
        console.print()
    if tracks:
        console.print("[dim]◐ +n: items in progress.  `learn show MODULE` for a module's checklist.[/]")


@handles_errors
def show(
    module: Annotated[
        str,
        typer.Argument(
            help="Module id (module-1.5, 1.5, iv-cuda), or an item id: its module, the item marked.",
            autocompletion=complete_module_or_item,
        ),
    ],
    as_json: JsonOpt = False,
) -> None:
    """A module with its checklists and ticks, exercises, capstone steps, notes, tables and links."""
    from app.module_view import module_view
    from app.progress import item_module

    engine = open_store()
    module_id, marked = item_module(engine, module)
    view = module_view(engine, module_id)
    # Exercises (learn verify): each with its last attempt; printed after the checklists.
    from app.cli.output import warn
    from app.cli.verify_cmds import print_exercises
    from app.study.verify import module_exercises

    exercises = module_exercises(engine, view.id, on_error=warn)
    from app.notes.store import module_notes

    notes = module_notes(engine, view.id)  # the learner's own (learn note)
    data = {**view.to_json(), "exercises": exercises} | ({"marked_item": marked} if marked else {})
    data["learner_notes"] = {
        "module": notes[view.id].to_json() if view.id in notes else None,
        "items": [notes[item.id].to_json() for item, _ in view.walk() if item.id in notes],
    }
    Output(as_json).emit(
        data,
        lambda console: (_print_module(console, view, marked, notes, exercises), print_exercises(console, exercises)),
    )


VERIFIED_MARK = {"passed": "[green]✔[/]", "failed": "[red]✘[/]", "not run": "○"}


def _print_module(
    console, view, marked: str | None = None, notes: dict | None = None, exercises: list[dict] | None = None
) -> None:
    from rich.markdown import Markdown
    from rich.markup import escape
    from rich.table import Table

    from app.study.item_exercises import item_results

    label = f"Module {view.id}" if view.id[:1].isdigit() else view.id
    console.print(f"[bold]{label}: {view.title}[/]  [dim]{view.track_title} › {view.category_title}[/]")
    if view.summary:
        console.print(f"[italic]{view.summary}[/]")
    console.print(f"{view.items_done} / {view.items_total} done, {view.items_in_progress} in progress\n")
    if view.notes:
        console.print(Markdown(view.notes))
    notes = notes or {}
    if view.id in notes:
        from rich.panel import Panel

        console.print(
            Panel(Markdown(notes[view.id].text), title="✎ your note", title_align="left", border_style="yellow")
        )
        console.print()
    # Ids stay whole in their own column on the right while that leaves the text 40 cells;
    # with longer ids (or a narrow terminal) each id goes on a line of its own under its text.
    longest_id = max((len(item.id) for item, _ in view.walk()), default=0) + (2 if marked else 0)
    ids_beside = console.width - longest_id - 2 >= 40
    for section in view.sections:
        console.print(f"[bold underline]{section.title or section.kind.capitalize()}[/]")
        grid = Table.grid(padding=(0, 2), expand=True)
        grid.add_column(ratio=1)
        if ids_beside:
            grid.add_column(no_wrap=True, style="dim", justify="right")
        stack = [(item, 0) for item in reversed(section.items)]
        while stack:
            item, depth = stack.pop()
            lines = [_inline(item.text)]
            for link in item.links:
                target = link.get("url") or link.get("reference") or link.get("kernel") or link.get("deck")
                lines.append(f"[blue]↗ {escape(target)}[/]")
            if item.notes:
                lines += [f"[dim]{_inline(line)}[/]" for line in item.notes.splitlines()]
            if item.id in notes:  # the learner's own note (learn note)
                lines += [f"[yellow]✎ {_inline(line)}[/]" for line in notes[item.id].text.splitlines()]
            # indent | mark | text, so that wrapped lines hang under the text
            entry = Table.grid(expand=True)
            entry.add_column(width=2 * depth)
            entry.add_column(width=2)
            entry.add_column(ratio=1)
            if not ids_beside:
                lines.append(f"[bold]▶ {item.id}[/]" if item.id == marked else f"[dim]{item.id}[/]")
            if item.exercises:  # the exercises that tick it, with their last results
                verified = ", ".join(
                    f"{escape(e)} {VERIFIED_MARK[r]}" for e, r, _ in item_results(item.exercises, exercises or [])
                )
                lines.append(f"[dim]verified by {verified}[/]")
            entry.add_row(
                "", STATUS_MARK[item.status], "\n".join(lines), style="reverse" if item.id == marked else None
            )
            if ids_beside:
                grid.add_row(entry, f"[bold]▶ {item.id}[/]" if item.id == marked else item.id)
            else:
                grid.add_row(entry)
            stack.extend((child, depth + 1) for child in reversed(item.children))
        console.print(grid)
        console.print()
    for spec in view.tables:
        table = Table(title=spec.get("title"), title_justify="left")
        for column in spec["columns"]:
            table.add_column(column)
        for row in spec["rows"]:
            table.add_row(*row)
        console.print(table)
        console.print()
    for group in view.resources:
        console.print(f"[bold]{group.get('title') or 'Resources'}[/]")
        for entry in group["entries"]:
            url = f"  [blue]{entry['url']}[/]" if entry.get("url") else ""
            console.print(f"  • {_inline(entry['text'])}{url}")
        console.print()


def _inline(markdown: str) -> str:
    """Markdown bold/code to Rich markup, the rest escaped."""
    import re

    from rich.markup import escape

    text = escape(markdown)
    text = re.sub(r"\*\*(.+?)\*\*", r"[bold]\1[/bold]", text)
    return re.sub(r"`([^`]+)`", r"[cyan]\1[/cyan]", text)


ItemIds = Annotated[
    list[str],
    typer.Argument(
        help="Item ids, as `learn show MODULE` lists them; a unique prefix or part of an id (or of the item's text) will do.",
        autocompletion=complete_item,
    ),
]


def _set(item_ids: list[str], status: str, as_json: bool) -> None:
    from app.progress import set_status

    changes = set_status(open_store(), item_ids, status)

    def human(console) -> None:
        for c in changes:
            was = "" if c.before == c.after else f"  [dim](was {c.before.replace('_', ' ')})[/]"
            console.print(f"{STATUS_MARK[c.after]} {_inline(c.text)}  [dim]{c.item_id}[/]{was}")

    Output(as_json).emit({"changed": [vars(c) for c in changes]}, human)


@handles_errors
def check(item_ids: ItemIds, as_json: JsonOpt = False) -> None:
    """Mark items done."""
    _set(item_ids, "done", as_json)


@handles_errors
def uncheck(item_ids: ItemIds, as_json: JsonOpt = False) -> None:
    """Mark items not done (todo)."""
    _set(item_ids, "todo", as_json)


@handles_errors
def doing(item_ids: ItemIds, as_json: JsonOpt = False) -> None:
    """Mark items in progress."""
    _set(item_ids, "in_progress", as_json)
