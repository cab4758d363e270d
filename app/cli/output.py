"""One output object for every command: human (Rich) or --json, errors on stderr with exit codes."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer

from app.errors import ExitCode, LearnError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (a stable shape) instead of a table.")]


class Output:
    def __init__(self, json_mode: bool = False) -> None:
        self.json_mode = json_mode
        self._console = None

    @property
    def console(self):
        if self._console is None:
            from app.cli.safe_console import safe_console

            self._console = safe_console(highlight=False)
        return self._console

    def emit(self, data: Any, human: Callable[[Any], None] | None = None) -> None:
        """Print `data` as JSON in --json mode, else call `human(console)`."""
        if self.json_mode or human is None:
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            human(self.console)


def fail(message: str, code: ExitCode = ExitCode.USAGE, details: list[str] | None = None) -> typer.Exit:
    """Print a one-line error (and its details) to stderr; return the Exit to raise."""
    from app.terminal_text import safe_text

    print(f"learn: {safe_text(message, one_line=True)}", file=sys.stderr)
    for line in details or []:
        print(f"  {safe_text(line, one_line=True)}", file=sys.stderr)
    return typer.Exit(int(code))


def warn(message: str) -> None:
    """A one-line note on stderr that does not stop the command."""
    print(f"learn: {message}", file=sys.stderr)


def handles_errors(fn: Callable) -> Callable:
    """Turn LearnError into its one-line message and exit code, Ctrl-C into exit 130."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except LearnError as exc:
            raise fail(exc.message, exc.code, exc.details) from None
        except KeyboardInterrupt:
            raise fail("interrupted", ExitCode.INTERRUPTED) from None

    return wrapper


def progress_bars(console):
    """The commands' transient progress bars (spinner, text, bar, n/m, time), hidden when not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
