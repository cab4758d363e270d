"""Errors the learner sees: one line each, with the exit code the CLI returns."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # a check failed (verify)
    USAGE = 2  # bad usage or bad input
    INTERRUPTED = 130


class LearnError(Exception):
    """An error with a one-line message for the learner; the CLI prints it and exits with `code`."""

    code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, *, details: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """' did you mean X?' or ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


class UnknownIdError(LearnError):
    def __init__(self, kind: str, ident: str, candidates: Iterable[str]) -> None:
        super().__init__(f"no {kind} '{ident}'{did_you_mean(ident, candidates)}")
        self.ident = ident


@dataclass(frozen=True)
class Problem:
    """One problem in a curriculum file, located as precisely as YAML lets us."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CurriculumError(LearnError):
    """The curriculum YAML is invalid: every problem found, each with file:line."""

    def __init__(self, problems: list[Problem]) -> None:
        n = len(problems)
        super().__init__(
            f"curriculum has {n} problem{'s' if n != 1 else ''}; fix and run `learn sync` (the database is unchanged)",
            details=[str(p) for p in problems],
        )
        self.problems = problems
