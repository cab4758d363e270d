"""`learn sync` and `learn import PLAN.md`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store


def register(app: typer.Typer) -> None:
    app.command("sync")(sync)
    app.command("import")(import_plan_cmd)


@handles_errors
def sync(as_json: JsonOpt = False) -> None:
    """Load the curriculum YAML into the database now (commands do it by themselves when it changed)."""
    from dataclasses import asdict

    from app.curriculum.sync import sync_curriculum
    from app.progress import hidden_progress_count

    engine = open_store(sync=False)
    result = sync_curriculum(engine, force=True)
    hidden = hidden_progress_count(engine)
    data = asdict(result) | {"hidden_progress": hidden}

    def human(console) -> None:
        console.print(
            f"Synced {result.tracks} tracks, {result.modules} modules, {result.items} items "
            f"from {result.folder} in {1000 * result.seconds:.0f} ms."
        )
        if hidden:
            console.print(
                f"[dim]{hidden} progress entries belong to items no longer in the YAML: kept, not counted.[/]"
            )

    Output(as_json).emit(data, human)


@handles_errors
def import_plan_cmd(
    plan: Annotated[Path, typer.Argument(help="A GitHub-style markdown study plan.", show_default=False)],
    track: Annotated[
        str | None, typer.Option("--track", "-t", help="Id for the new track (default: from the title).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title of the new track (default: the plan's first heading).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the track's YAML file if it exists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Turn a markdown plan (checkboxes, numbered lists, headings) into curriculum YAML, and sync it."""
    from app.study.plan import import_plan_text, read_plan

    markdown = read_plan(plan)
    imported = import_plan_text(open_store(), markdown, plan.name, track, title, force)

    def human(console) -> None:
        console.print(
            f"Imported [bold]{imported.title}[/] as track '{imported.track}': {imported.items} items, "
            f"written to {imported.file}."
        )
        for n, why in imported.dropped:
            console.print(f"[dim]  plan line {n}: {why}[/]")
        console.print(
            f"[dim]`learn status --track {imported.track}` shows it; edit the YAML freely, ids keep progress.[/]"
        )

    Output(as_json).emit(imported.to_json(), human)
