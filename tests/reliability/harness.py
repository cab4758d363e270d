"""Shared by the reliability battery: the real `learn` in a subprocess, kill -9 loops, and figures.

LEARN_RELIABILITY_FULL=1 runs the long loops (the figures in README.md come from such a run);
LEARN_RELIABILITY_FIGURES=FILE appends each test's figures to FILE as JSON lines.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
FULL = os.environ.get("LEARN_RELIABILITY_FULL") == "1"

# A correct learner softmax (module 0.2), without its `import numpy as np`: the attacks add their own
# code around it.
CORRECT_SOFTMAX = """
def softmax(x, axis=-1):
    if x.size == 0:
        return x.copy()
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(dout, y, axis=-1):
    return y * (dout - (dout * y).sum(axis=axis, keepdims=True))
"""


def scale(ci: int, full: int) -> int:
    """An iteration count: `ci` by default, `full` under LEARN_RELIABILITY_FULL=1."""
    return full if FULL else ci


def record(figure: str, **values: object) -> None:
    """Append this test's figures to $LEARN_RELIABILITY_FIGURES (for the README table)."""
    target = os.environ.get("LEARN_RELIABILITY_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"figure": figure, "full": FULL, **values}) + "\n")


def learn_env(home: Path, curriculum: Path | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ) | {"LEARN_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
    if curriculum is not None:
        env["LEARN_CURRICULUM"] = str(curriculum)
    return env | extra


def learn(*args: str, env: dict[str, str], timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """`learn ARGS...` as the learner runs it: a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def query(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def integrity(db: Path) -> str:
    return ", ".join(row[0] for row in query(db, "PRAGMA integrity_check"))


@dataclass
class KillRound:
    """One child run until killed: the lines it printed (each printed after a commit returned)."""

    index: int
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long after "go" the kill came
    exited: bool = False  # it finished on its own before the kill


def _collect(stream, lines: list[str]) -> None:
    lines.extend(line.strip() for line in stream)


def kill_loop(
    script: str,
    args: list[str],
    env: dict[str, str],
    *,
    kills: int,
    window: tuple[float, float],
    check: Callable[[KillRound], None],
    seed: int,
) -> list[KillRound]:
    """Run `python -c script args` `kills` times, SIGKILL it at a random moment of `window` seconds after
    it prints "go", and call `check` after each kill with what it printed before dying."""
    rng = random.Random(seed)
    rounds = []
    for n in range(kills):
        child = subprocess.Popen(
            [sys.executable, "-c", script, *args],
            cwd=REPO,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        round_ = KillRound(n)
        try:
            first = child.stdout.readline().strip()
            assert first == "go", f"child did not start: {first!r}"
            reader = threading.Thread(target=_collect, args=(child.stdout, round_.lines))
            reader.start()
            round_.seconds = rng.uniform(*window)
            time.sleep(round_.seconds)
            round_.exited = child.poll() is not None
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        reader.join(timeout=30)
        assert not reader.is_alive(), "something the child started still holds its stdout"
        errors = child.stderr.read()
        child.stdout.close()
        child.stderr.close()
        assert round_.exited is False or child.returncode == 0, errors
        assert "Traceback" not in errors, errors
        check(round_)
        rounds.append(round_)
    return rounds
