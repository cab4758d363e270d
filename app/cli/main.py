"""The `learn` command: a Typer app with one module of commands per noun, heavy imports deferred."""

from __future__ import annotations

import typer

from app.cli import curriculum_cmds, data_cmds, drill_cmds, export_cmds, log_cmds, progress_cmds, verify_cmds

app = typer.Typer(
    name="learn",
    help="A terminal study companion for ML engineers: progress, drills, verified code, and a journal.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

progress_cmds.register(app)
curriculum_cmds.register(app)
export_cmds.register(app)
data_cmds.register(app)
drill_cmds.register(app)
log_cmds.register(app)
verify_cmds.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
