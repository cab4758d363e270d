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
            from rich.console import Console

            self._console = Console(highlight=False)
        return self._console

    def emit(self, data: Any, human: Callable[[Any], None] | None = None) -> None:
        """Print `data` as JSON in --json mode, else call `human(console)`."""
        if self.json_mode or human is None:
            sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        else:
            human(self.console)


def fail(message: str, code: ExitCode = ExitCode.USAGE, details: list[str] | None = None) -> typer.Exit:
    """Print a one-line error (and its details) to stderr; return the Exit to raise."""
    print(f"learn: {message}", file=sys.stderr)
    for line in details or []:
        print(f"  {line}", file=sys.stderr)
    return typer.Exit(int(code))


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


def open_store(sync: bool = True):
    """The database engine, with the curriculum synced first if its YAML changed."""
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import get_engine

    engine = get_engine()
    if sync:  # a broken file keeps its last good sync, with a warning; `learn sync` fails on it
        from app.curriculum.last_good import broken_file_warnings

        sync_curriculum(engine, keep_broken=True)
        for line in broken_file_warnings(engine):
            print(f"learn: warning: {line}", file=sys.stderr)
    return engine
