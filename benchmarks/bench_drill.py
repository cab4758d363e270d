"""Drill benchmarks, against the targets of the drill issue:

- `learn drill` to the first prompt <= 500 ms: a whole process (a new interpreter each run, the
  decks already synced), timed from spawn to the prompt's text on its stdout; torch must not be
  imported by it (checked in one extra run);
- grading a card and showing the next <= 30 ms: in-process, from the grade key to the next card's
  countdown (the review written and committed, the next prompt rendered to a terminal console).

    python benchmarks/bench_drill.py            # prints a markdown table
    python benchmarks/bench_drill.py --quick    # fewer repeats

Uses the repository's curriculum/ and drills/ (or LEARN_CURRICULUM / LEARN_DRILLS), a temporary
LEARN_HOME.
"""

from __future__ import annotations

import argparse
import os
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WATCH_TORCH = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('torch imported: %s\\n' % ('torch' in sys.modules)))\n"
    "from app.cli.main import main\nsys.argv = ['learn', *sys.argv[1:]]\nmain()\n"
)


def _first_prompt_seconds(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from spawn to the first 'Prompt' panel on stdout; then quit with q."""
    start = time.perf_counter()
    child = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    seen = b""
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while b"Prompt" not in seen:
            if not selector.select(60):
                child.kill()
                raise RuntimeError("no prompt within 60 s")
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"learn drill ended without a prompt: {child.stderr.read().decode()}")
            seen += chunk
    elapsed = time.perf_counter() - start
    _, err = child.communicate(b"q", timeout=60)
    return elapsed, err.decode()


class _BenchIO:
    """A terminal that answers at once and timestamps each grade key and the next countdown."""

    def __init__(self, keys: list[str], console) -> None:
        self.keys = deque(keys)
        self.console = console
        self.clock = datetime(2026, 1, 5, 9, tzinfo=UTC)
        self.graded_at: float | None = None
        self.latencies: list[float] = []

    def now(self) -> datetime:
        return self.clock

    def monotonic(self) -> float:
        return time.monotonic()

    def read_key(self, timeout):
        key = self.keys.popleft() if self.keys else "q"
        if key in "1234":
            self.clock += timedelta(seconds=5)
            self.graded_at = time.perf_counter()
        return key

    def read_code(self, template):
        return None

    def status(self, text: str) -> None:
        if text and self.graded_at is not None:  # the next card's countdown: its prompt is on screen
            self.latencies.append(time.perf_counter() - self.graded_at)
            self.graded_at = None


def _grade_to_next(cards: int) -> list[float]:
    from rich.console import Console

    from app.cli.drill_cmds import open_drills, run_terminal_session
    from app.drill.session import DrillSession
    from app.drill.store import load_cards, load_memories

    engine = open_drills()
    with open(os.devnull, "w") as sink:
        console = Console(file=sink, force_terminal=True, width=100, highlight=False)
        io = _BenchIO(["\n", "3"] * cards, console)
        flashcards = [card for card in load_cards(engine) if card.code is None][:cards]
        session = DrillSession(engine, flashcards, load_memories(engine, io.now()))
        run_terminal_session(session, io)
    return io.latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    script = Path(sys.executable).parent / "learn"
    learn = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli.main"]
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as home:
        os.environ["LEARN_HOME"] = home
        env = dict(os.environ)
        started = time.perf_counter()
        subprocess.run([*learn, "drill", "list", "--json"], env=env, cwd=REPO, check=True, capture_output=True)
        first_sync = time.perf_counter() - started
        starts = [_first_prompt_seconds([*learn, "drill", "--new", "5"], env)[0] for _ in range(repeats)]
        _, err = _first_prompt_seconds([sys.executable, "-c", WATCH_TORCH, "drill", "--new", "5"], env)
        baseline = statistics.median(
            _timed([sys.executable, "-c", "import sqlalchemy, rich.console, typer"], env) for _ in range(repeats)
        )
        status = statistics.median(_timed([*learn, "status"], env) for _ in range(repeats))
        cpu = statistics.median(_cpu_seconds([*learn, "drill", "--new", "5"], env) for _ in range(repeats))
        cpu_base = statistics.median(
            _cpu_seconds([sys.executable, "-c", "import sqlalchemy, rich.console, typer"], env) for _ in range(repeats)
        )
        latencies = _grade_to_next(40)
    torch_line = next((line for line in err.splitlines() if line.startswith("torch imported")), "torch imported: ?")
    rows.append(
        (
            "`learn drill` to the first prompt (median)",
            f"{1000 * statistics.median(starts):.0f} ms (min {1000 * min(starts):.0f}, max {1000 * max(starts):.0f})",
            "<= 500 ms",
        )
    )
    rows.append(
        (
            "CPU time (user+sys) of `learn drill`: start, first prompt, q (median)",
            f"{1000 * cpu:.0f} ms (imports of sqlalchemy, rich, typer alone: {1000 * cpu_base:.0f} ms)",
            "<= 500 ms",
        )
    )
    rows.append(("... with torch imported by it", torch_line.split(": ")[1], "False"))
    rows.append(("`python -c 'import sqlalchemy, rich.console, typer'`", f"{1000 * baseline:.0f} ms", "(baseline)"))
    rows.append(("`learn status`, whole process (for comparison)", f"{1000 * status:.0f} ms", ""))
    rows.append(("first `learn drill list` (curriculum + deck sync)", f"{1000 * first_sync:.0f} ms", "(one-off)"))
    rows.append(
        (
            f"grade a card -> next prompt shown (median of {len(latencies)})",
            f"{1000 * statistics.median(latencies):.1f} ms (p90 {1000 * sorted(latencies)[int(0.9 * len(latencies))]:.1f}, "
            f"max {1000 * max(latencies):.1f})",
            "<= 30 ms",
        )
    )
    print("| Measure | Result | Target |\n|---|---|---|")
    for measure, result, target in rows:
        print(f"| {measure} | {result} | {target} |")


def _cpu_seconds(cmd: list[str], env: dict[str, str]) -> float:
    """User + system CPU time of a whole process (less sensitive to a busy machine than wall time)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, env=env, cwd=REPO, input=b"q", check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=REPO, check=True, capture_output=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
