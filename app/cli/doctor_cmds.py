"""`learn doctor`: check the database, the curriculum, backups and tools; exit 1 with the fix if one fails."""

from __future__ import annotations

import typer

from app.cli.output import JsonOpt, Output, handles_errors

_MARKS = {"ok": "[green]✔[/]", "info": "[cyan]•[/]", "warning": "[yellow]![/]", "error": "[red]✘[/]"}


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


@handles_errors
def doctor(as_json: JsonOpt = False) -> None:
    """Check the database (integrity, foreign keys, schema version, orphan rows, WAL size), the curriculum
    and decks, the backups and workspace found, and the Python / torch / triton / CUDA versions.

    Read-only: nothing is migrated, repaired or deleted. Exit 0 when all is well (orphan rows are kept on
    purpose and are not a problem), 1 when a check fails, with the fix.
    """
    from app.doctor import diagnose

    report = diagnose()

    def human(console) -> None:
        from rich.markup import escape

        width = max(len(c.name) for c in report.checks)
        for check in report.checks:
            console.print(f"{_MARKS[check.status]} {check.name:<{width}}  {escape(check.summary)}")
            if check.fix and check.status in ("warning", "error"):
                console.print(f"  {'':<{width}}  [bold]fix:[/] {escape(check.fix)}")
        for kind, rows in report.orphans.items():
            for row in rows[:5]:
                values = ", ".join(f"{k} {v}" for k, v in row.items() if v is not None)
                console.print(f"  [dim]orphan {kind}: {escape(values)}[/]")
            if len(rows) > 5:
                console.print(f"  [dim]... {len(rows) - 5} more {kind} (--json lists all)[/]")
        failed = [c for c in report.checks if c.status == "error"]
        console.print(
            "\n" + ("All checks passed." if not failed else f"{len(failed)} check(s) failed: see the fix lines above.")
        )

    Output(as_json).emit(report.to_json(), human)
    if not report.ok:
        raise typer.Exit(1)
