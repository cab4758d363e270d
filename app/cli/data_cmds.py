"""`learn data export FILE.json` and `learn data import FILE.json`: the learner's data, portable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.output import JsonOpt, Output, handles_errors, open_store

data_app = typer.Typer(
    help="Export or import all of your own data (progress, reviews, attempts, log) as JSON.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


FileArg = Annotated[Path, typer.Argument(help="The JSON file.", show_default=False)]


@data_app.command("export")
@handles_errors
def export(file: FileArg, as_json: JsonOpt = False) -> None:
    """Write all of your data to FILE (use - for standard output)."""
    from app.errors import LearnError
    from app.learner_data import export_data

    data = export_data(open_store())
    payload = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if str(file) == "-":
        typer.echo(payload, nl=False)
        return
    tmp = file.with_name(file.name + ".tmp")
    try:
        tmp.write_text(payload, encoding="utf-8")
        tmp.replace(file)  # never leave a half-written export behind
    except OSError as exc:
        raise LearnError(f"cannot write {file}: {exc.strerror}") from None
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
