"""`learn sync` and `learn import PLAN.md`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from app.cli.output import JsonOpt, Output, handles_errors, open_store


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
            console.print(f"[dim]{hidden} progress entries belong to items no longer in the YAML: kept, not counted.[/]")

    Output(as_json).emit(data, human)


@handles_errors
def import_plan_cmd(
    plan: Annotated[Path, typer.Argument(help="A GitHub-style markdown study plan.", show_default=False)],
    track: Annotated[Optional[str], typer.Option("--track", "-t", help="Id for the new track (default: from the title).")] = None,
    title: Annotated[Optional[str], typer.Option("--title", help="Title of the new track (default: the plan's first heading).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the track's YAML file if it exists.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Turn a markdown plan (checkboxes, numbered lists, headings) into curriculum YAML, and sync it."""
    from sqlalchemy import text

    from app import locations
    from app.curriculum.sync import sync_curriculum
    from app.errors import LearnError
    from app.plan_import import PlanImportError, import_plan

    try:
        markdown = plan.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise LearnError(f"cannot read {plan}: {exc.strerror}") from None
    engine = open_store()
    with engine.connect() as conn:
        taken = set(conn.execute(text("SELECT id FROM module UNION ALL SELECT id FROM item")).scalars())
        tracks = set(conn.execute(text("SELECT id FROM track")).scalars())
        conn.rollback()
    try:
        imported = import_plan(markdown, source=plan.name, track_id=track, title=title, taken_ids=taken)
        if force and imported.track.id in tracks:
            # Replacing a track: its own ids are not taken, so the items keep their ids (and progress).
            with engine.connect() as conn:
                own = set(conn.execute(text(
                    "SELECT id FROM module WHERE track_id = :t UNION ALL SELECT id FROM item WHERE module_id IN "
                    "(SELECT id FROM module WHERE track_id = :t)"), {"t": imported.track.id}).scalars())
                conn.rollback()
            imported = import_plan(markdown, source=plan.name, track_id=imported.track.id, title=title,
                                   taken_ids=taken - own)
    except PlanImportError as exc:
        raise LearnError(str(exc)) from None
    new_id = imported.track.id
    folder = locations.curriculum_dir()
    target = folder / f"{new_id}.yaml"
    if target.parent.resolve() != folder.resolve():  # the slug check makes this impossible; keep it so
        raise LearnError(f"track id {new_id!r} would write outside {folder}; give a slug with --track")
    if new_id in tracks and not force:
        raise LearnError(f"a track '{new_id}' exists already; choose another id with --track, or --force to replace it")
    if target.exists() and not force:
        raise LearnError(f"{target} exists; choose another id with --track, or --force to replace it")
    previous = target.read_bytes() if target.exists() else None
    _write_atomically(target, imported.yaml_text.encode("utf-8"))
    try:
        result = sync_curriculum(engine, force=True)
    except LearnError:
        # Leave things as they were: the database is unchanged, so the folder must be too.
        if previous is None:
            target.unlink()
        else:
            _write_atomically(target, previous)
        raise
    items = sum(1 for _ in _walk(imported.track))
    data = {"track": new_id, "file": str(target), "items": items,
            "dropped": [{"line": n, "reason": why} for n, why in imported.dropped], "synced_items": result.items}

    def human(console) -> None:
        console.print(f"Imported [bold]{imported.track.title}[/] as track '{new_id}': {items} items, written to {target}.")
        for n, why in imported.dropped:
            console.print(f"[dim]  plan line {n}: {why}[/]")
        console.print(f"[dim]`learn status --track {new_id}` shows it; edit the YAML freely, ids keep progress.[/]")

    Output(as_json).emit(data, human)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: a process killed mid-write leaves the old file (or
    none), never half a YAML file that breaks every later command."""
    import os

    partial = target.with_name(f".{target.name}.partial")  # not *.yaml: never read as a track
    partial.write_bytes(data)
    os.replace(partial, target)


def _walk(track):
    from app.curriculum.load import walk_items

    for category in track.categories:
        for module in category.modules:
            for section in module.sections:
                yield from walk_items(section.items)
