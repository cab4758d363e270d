"""Check a learner's code against a named check, in a child process with a time limit.

The parent never imports torch: it starts `python -m app.drill.code_worker` (which does) and talks
JSON lines to it. A session calls `warm_up()` when a code card appears, so the import (seconds)
overlaps with the learner's typing; the time limit counts only the learner's code, from when the
worker is ready. One worker serves a whole session; it is replaced if it dies or hangs.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass

from app.locations import REPO_ROOT

DEFAULT_TIME_LIMIT_S = 5.0
START_TIMEOUT_S = 120.0  # importing torch on a cold, busy machine
SLACK_S = 10.0  # fork, inputs and references on top of the learner's time, before the parent gives up


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    reason: str  # one line: "all 6 inputs match the reference", "max abs error 0.31 at input #2 (...)"
    output: str = ""  # what the learner's code printed, truncated
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"passed": self.passed, "reason": self.reason, "output": self.output, "seconds": self.seconds}


class CodeRunner:
    """One worker process for many checks. Use as a context manager, or call close()."""

    def __init__(self, time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> None:
        self.time_limit_s = time_limit_s
        self._process: subprocess.Popen | None = None
        self._buffer = b""
        self._ready = False

    def __enter__(self) -> CodeRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def warm_up(self) -> None:
        """Start the worker (it imports torch) without waiting for it."""
        if self._process is None or self._process.poll() is not None:
            env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
            self._process = subprocess.Popen(
                [sys.executable, "-m", "app.drill.code_worker"], cwd=REPO_ROOT, env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
            self._buffer = b""
            self._ready = False

    def check(self, code: str, check: str, function: str | None = None, time_limit_s: float | None = None) -> CheckResult:
        """Run `code` against the check named `check`; pass, or fail with a one-line reason."""
        limit = self.time_limit_s if time_limit_s is None else time_limit_s
        if not code.strip():
            return CheckResult(False, "no code given")
        self.warm_up()
        if not self._ready:
            message = self._read_message(time.monotonic() + START_TIMEOUT_S)
            if not (message and message.get("ready")):
                self.close()
                return CheckResult(False, "the checker did not start (is torch installed?)")
            self._ready = True
        request = {"check": check, "function": function, "code": code, "time_limit_s": limit}
        try:
            assert self._process is not None and self._process.stdin is not None
            self._process.stdin.write((json.dumps(request) + "\n").encode())
            self._process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.close()
            return CheckResult(False, "the checker stopped; try again")
        message = self._read_message(time.monotonic() + limit + SLACK_S)
        if message is None:  # hung (no fork on this platform) or died: replace it next time
            self.close()
            return CheckResult(False, f"timed out after {limit:g} s")
        return CheckResult(bool(message.get("passed")), str(message.get("reason", "")),
                           str(message.get("output", "")), float(message.get("seconds", 0.0)))

    def _read_message(self, deadline: float) -> dict | None:
        process = self._process
        if process is None or process.stdout is None:
            return None
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def close(self) -> None:
        process, self._process = self._process, None
        self._ready = False
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()


def run_code_check(code: str, check: str, function: str | None = None,
                   time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> CheckResult:
    """One check in a fresh worker (a session keeps one CodeRunner instead)."""
    with CodeRunner(time_limit_s) as runner:
        return runner.check(code, check, function)

