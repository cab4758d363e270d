"""`learn export readme`: progress as GitHub markdown, ready to publish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from app.cli.output import handles_errors
from app.study.store import open_store

export_app = typer.Typer(help="Export your progress in other formats.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("readme")
@handles_errors
def readme(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    track: Annotated[str | None, typer.Option("--track", "-t", help="Only this track (id).")] = None,
    notes: Annotated[
        bool, typer.Option("--notes", help="Your own notes too (learn note), quoted under their module or item.")
    ] = False,
) -> None:
    """The dashboard table with completion bars, then each module's checklist with [x] / [ ]."""
    from app.readme_export import render_readme

    markdown = render_readme(open_store(), track, notes=notes)
    if output is None:
        from app.terminal_text import safe_text

        typer.echo(safe_text(markdown), nl=False)
        return
    from app.atomic_write import write_atomically

    write_atomically(output, markdown)
    typer.echo(f"Wrote {output}.", err=True)
