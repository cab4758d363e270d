"""The `learn` command: a Typer app with one module of commands per noun, heavy imports deferred."""

from __future__ import annotations

import os
import sys

import typer

from app.cli import (
    bench_cmds,
    curriculum_cmds,
    data_cmds,
    doctor_cmds,
    drill_cmds,
    export_cmds,
    log_cmds,
    note_cmds,
    progress_cmds,
    today_cmds,
    verify_cmds,
)
from app.cli.output import handles_errors

app = typer.Typer(
    name="learn",
    help="A terminal study companion for ML engineers: progress, drills, verified code, and a journal.",
    add_completion=True,  # learn --install-completion: ids complete from the database (app/cli/completion.py)
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback(invoke_without_command=True)
def _dashboard(ctx: typer.Context) -> None:
    """With no command: the Textual dashboard (textual is imported only then)."""
    _say_notices_on_stderr()
    if ctx.invoked_subcommand is None:
        from app.tui.app import run

        handles_errors(run)()


progress_cmds.register(app)
curriculum_cmds.register(app)
export_cmds.register(app)
data_cmds.register(app)
drill_cmds.register(app)
log_cmds.register(app)
verify_cmds.register(app)
doctor_cmds.register(app)
bench_cmds.register(app)
today_cmds.register(app)
note_cmds.register(app)


def _say_notices_on_stderr() -> None:
    from app import notices

    notices.set_handler(lambda message: print(message, file=sys.stderr))


def main() -> None:
    if (
        len(sys.argv) == 1 and "_LEARN_COMPLETE" not in os.environ
    ):  # (the shell's Tab runs `learn` alone, with that set)
        # `learn` alone: the dashboard at once (Typer's parsing would import pydantic, ~0.1 s)
        from app.tui.app import run

        _say_notices_on_stderr()  # the store is opened before the TUI starts: never inside it
        try:
            handles_errors(run)()
        except typer.Exit as exc:
            raise SystemExit(exc.exit_code) from None
        raise SystemExit(0)
    app()


if __name__ == "__main__":
    main()
