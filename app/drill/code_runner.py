"""Check a learner's code against a named check: a code card run as a small exercise by the verify runner.

The answer is written to a temp folder (the run's workspace) and run by app/verify/runner.py exactly as
`learn verify` runs a learner's file: a child process forked from the torch fork server, with the
time limit, the memory limit, the output limit, every process it starts killed when it ends, and its
writes confined (app/verify/sandbox). The parent never imports torch. A session calls `warm_up()`
when a code card appears, so the fork server's torch import (seconds) overlaps with the learner's
typing; the time limit counts from when the child exists.

The report (one case per input) becomes a CheckResult: pass, or the first failing input's one-line
reason ("max abs error 0.31 at input #2 (one row (1, 7))").
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from app.drill.code_checks import CHECKS, TIME_LIMIT_S, exercise_id

DEFAULT_TIME_LIMIT_S = TIME_LIMIT_S
ANSWER_FILE = "your_code.py"
MAX_OUTPUT = 4000  # characters of the learner's printed output kept


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    reason: str  # one line: "all 6 inputs match the reference", "max abs error 0.31 at input #2 (...)"
    output: str = ""  # what the learner's code printed, truncated
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"passed": self.passed, "reason": self.reason, "output": self.output, "seconds": self.seconds}


class CodeRunner:
    """Checks for a session. Use as a context manager, or call close() (kept for the callers: each
    check is its own child process, so there is nothing to stop)."""

    def __init__(self, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> None:
        self.time_limit_s = time_limit_s

    def __enter__(self) -> CodeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self) -> None:
        """Start the torch fork server in the background (idempotent)."""
        from app.verify.sandbox import warm_up

        warm_up(torch=True)

    def check(
        self, code: str, check: str, function: str | None = None, time_limit_s: float | None = None
    ) -> CheckResult:
        """Run `code` against the check named `check`; pass, or fail with a one-line reason."""
        from app.drill.code_checks import code_exercise
        from app.verify.runner import Job, run_job

        limit = self.time_limit_s if time_limit_s is None else time_limit_s
        if not code.strip():
            return CheckResult(False, "no code given")
        if check not in CHECKS:
            return CheckResult(False, f"unknown check '{check}'")
        function = function or CHECKS[check].function
        exercise, _ = code_exercise(exercise_id(check, function))
        with tempfile.TemporaryDirectory(prefix="learn-card-") as folder:
            path = Path(folder) / ANSWER_FILE
            path.write_text(code, encoding="utf-8")
            job = Job(exercise, f"code:{path}", file_label="your code", module="app.drill.code_checks")
            report = run_job(job, time_limit_s=limit)
        return CheckResult(
            report.status == "passed",
            reason(report, check, function, limit),
            _output(report),
            round(report.duration_ms / 1000, 3),
        )

    def close(self) -> None:
        pass


def run_code_check(
    code: str, check: str, function: str | None = None, time_limit_s: float = DEFAULT_TIME_LIMIT_S
) -> CheckResult:
    """One check (a session keeps one CodeRunner instead)."""
    with CodeRunner(time_limit_s) as runner:
        return runner.check(code, check, function)


# -- the report as the card's one-line reason ----------------------------------------------------------


def reason(report, check: str, function: str, limit_s: float) -> str:
    if report.status == "passed":
        return f"all {len(report.checks)} inputs match the reference"
    if report.status == "timeout":
        return f"timed out after {limit_s:g} s"
    if report.status == "spec_error":
        return f"checker error: {report.error}"
    if report.status == "error" and report.error_detail:  # the code did not run (a SyntaxError, say)
        return _error(report.error_detail)
    if report.status == "crashed":
        return f"your code crashed the checker ({report.error})"
    case = next((c for c in report.checks if not c.passed), None)
    if case is None:
        return report.error or "failed"
    where = f" at input #{case.index + 1} ({case.case})"
    error = case.error
    if error:
        if error["type"] == "AttributeError" and "defines no" in error["message"]:
            return f"your code does not define {function}(...); expected {CHECKS[check].signature}"
        return _error(error) + where
    if case.mismatch:
        return _mismatch(case.mismatch, CHECKS[check].kind) + where
    unreadable = re.fullmatch(r"output: cannot be read \(\w+: (.*)\)", case.message or "", re.DOTALL)
    return (unreadable.group(1) if unreadable else case.message or "failed") + where


def _error(error: dict) -> str:
    """'NameError: name 'totl' is not defined (line 3 of your code: `return e / totl`)'."""
    first = error["message"].strip().splitlines()[0] if error["message"].strip() else error["type"]
    frame = next(
        (f for f in reversed(error.get("traceback") or []) if f.get("file") == ANSWER_FILE and f.get("line")), None
    )
    if frame is None:
        return first
    if error["type"] == "SyntaxError" or not frame.get("code"):
        return f"{first} (line {frame['line']} of your code)"
    return f"{first} (line {frame['line']} of your code: `{frame['code']}`)"


def _mismatch(mismatch: dict, kind: str) -> str:
    """The card's words for app/verify/compare.py's Mismatch."""
    if mismatch["kind"] == "shape":
        return f"shape mismatch: expected {tuple(mismatch['expected_shape'])}, got {tuple(mismatch['actual_shape'])}"
    if mismatch["kind"] == "dtype":
        return f"dtype mismatch: expected torch.{mismatch['expected_dtype']}, got torch.{mismatch['actual_dtype']}"
    if mismatch["kind"] != "values" or not mismatch.get("indices") and kind != "int":
        return mismatch["message"].removeprefix("output: ")
    if kind == "int":
        want, got = mismatch["expected_values"][0], mismatch["actual_values"][0]
        return f"expected {want:,}, got {got:,}"
    if kind == "exact":
        return f"{mismatch['count']} of {mismatch['total']} values differ, first at {tuple(mismatch['indices'][0])}"
    if mismatch.get("nonfinite"):
        found = next(
            (
                (i, v)
                for i, v in zip(mismatch["indices"], mismatch["actual_values"], strict=False)
                if isinstance(v, str) and v in ("nan", "inf", "-inf")
            ),
            None,
        )
        if found is None:
            return "NaN or inf in the output"
        index, value = found
        return f"{'NaN' if value == 'nan' else 'inf'} in the output" + (f" at {tuple(index)}" if index else "")
    if mismatch.get("max_abs_error") is not None:
        return f"max abs error {mismatch['max_abs_error']:.3g}"
    return mismatch["message"].removeprefix("output: ")


def _output(report) -> str:
    output = report.output
    if output is None:
        return ""
    text = (output.stdout or "") + (output.stderr or "")
    if len(text) > MAX_OUTPUT or output.truncated:
        text = text[:MAX_OUTPUT] + "\n... (output truncated)"
    return text
