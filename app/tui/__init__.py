"""`learn` with no arguments: the Textual dashboard, a thin face over the same functions as the CLI.

Nothing is imported here: `app.cli.main` imports `app.tui.app` only when no command is given, so the
other commands never pay for Textual.
"""
