"""`learn data export|import FILE.json` (the learner's data, portable) and `learn data backup|restore` (the database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store

data_app = typer.Typer(
    help="Your own data: export / import it as JSON (progress, reviews, attempts, log); back up / restore the database.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


FileArg = Annotated[Path, typer.Argument(help="The JSON file.", show_default=False)]


@data_app.command("export")
@handles_errors
def export(file: FileArg, as_json: JsonOpt = False) -> None:
    """Write all of your data to FILE (use - for standard output)."""
    from app.learner_data import export_data

    data = export_data(open_store())
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if str(file) == "-":
        typer.echo(payload, nl=False)
        return
    from app.atomic_write import write_atomically

    write_atomically(file, payload)
    from app.learner_data import KINDS

    summary = {"file": str(file)} | {kind.name: len(data[kind.name]) for kind in KINDS}
    counts = ", ".join(f"{len(data[kind.name])} {kind.name}" for kind in KINDS)
    Output(as_json).emit(summary, lambda c: c.print(f"Wrote {counts} to {file}."))


@data_app.command("import")
@handles_errors
def import_(file: FileArg, as_json: JsonOpt = False) -> None:
    """Merge FILE into your data by stable ids (newer entries win; importing twice changes nothing)."""
    from dataclasses import asdict

    from app.learner_data import import_data, read_data_file

    data = read_data_file(file)
    counts = import_data(open_store(), data)

    def human(console) -> None:
        for name, c in counts.items():
            console.print(f"{name.capitalize()}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged.")

    Output(as_json).emit({name: asdict(c) for name, c in counts.items()}, human)


@data_app.command("backup")
@handles_errors
def backup(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Where to write the copy: a new file, or a folder (default: the backups folder beside the database).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Copy the database now, consistently (SQLite's VACUUM INTO), even while another learn is open."""
    import sqlite3

    from app import backup as backups
    from app.db.engine import get_engine, storage_problem
    from app.errors import LearnError

    engine = get_engine()
    db_path = Path(engine.url.database or "")
    target = None
    if path is not None:
        target = path / f"learn-{backups.timestamp()}-manual.db" if path.is_dir() else path
        if target.exists():
            raise LearnError(f"{target} exists; give a new file name (a backup never overwrites a file)")
        if not target.parent.is_dir():
            raise LearnError(f"no folder {target.parent}; create it first or give another path")
    try:
        written = backups.backup_database(db_path, "manual", target=target)
    except OSError as exc:
        raise LearnError(f"cannot write {target or backups.backups_dir(db_path)}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:  # a damaged page: say so, with the restore to run
        raise storage_problem(db_path, exc) or LearnError(f"cannot back up {db_path}: {exc}") from None
    data = {"file": str(written), "bytes": written.stat().st_size, "database": str(db_path)}

    def human(console) -> None:
        from rich.markup import escape

        console.print(f"Backed up {escape(str(db_path))} to {escape(str(written))} ({data['bytes'] / 1024:.0f} KiB).")

    Output(as_json).emit(data, human)


@data_app.command("restore")
@handles_errors
def restore(
    path: Annotated[Path, typer.Argument(help="A backup file (learn-*.db) made by learn.", show_default=False)],
    as_json: JsonOpt = False,
) -> None:
    """Replace the database with the backup at PATH; the database it replaces is kept in the backups folder.

    Refuses a file that is not a learn database, is damaged, or has a newer schema than this learn.
    An older schema is upgraded as usual, with its own backup first.
    """
    from app import locations
    from app.backup import restore_database
    from app.db.engine import get_engine
    from app.errors import LearnError

    db_path = locations.database_path()
    try:
        restored = restore_database(path, db_path)
    except OSError as exc:
        raise LearnError(f"cannot restore into {db_path}: {exc.strerror or exc}; nothing was replaced") from None
    get_engine(db_path)  # upgrades an older schema now, and checks that the result opens
    data = {
        "restored": str(restored.source),
        "database": str(db_path),
        "schema_version": restored.info.schema_version,
        "counts": restored.info.counts,
        "kept": str(restored.kept) if restored.kept else None,
        "kept_damaged": restored.kept_damaged,
    }

    def human(console) -> None:
        from rich.markup import escape

        counts = ", ".join(f"{n} {table}" for table, n in restored.info.counts.items())
        console.print(f"Restored {escape(str(restored.source))} into {escape(str(db_path))} ({counts}).")
        if restored.kept is not None:
            what = "damaged database, moved aside as it was" if restored.kept_damaged else "database it replaced"
            console.print(f"The {what}: {escape(str(restored.kept))}")

    Output(as_json).emit(data, human)


@data_app.command("repair")
@handles_errors
def repair(as_json: JsonOpt = False) -> None:
    """Delete rows learn cannot read and drop triggers, views and tables it does not define (`learn doctor`
    lists both); the database is backed up first."""
    from pathlib import Path

    from app.db.engine import get_engine
    from app.db.repair import repair_database

    engine = get_engine()
    repaired = repair_database(engine, Path(engine.url.database or ""))

    def human(console) -> None:
        from rich.markup import escape

        if repaired.backup is None:
            console.print("Nothing to repair: every row reads back, and every table, index and trigger is learn's.")
            return
        for row in repaired.rows:
            console.print(f"Deleted {row.table} {escape(row.key)}: {escape(row.reason)}")
        for kind, name in repaired.objects:
            console.print(f"Dropped {kind} {escape(name)}")
        console.print(f"The database as it was before: {escape(str(repaired.backup))}")

    Output(as_json).emit(repaired.to_json(), human)
