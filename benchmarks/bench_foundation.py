"""Start-up and sync benchmarks for the foundation, against the targets of its issue.

    python benchmarks/bench_foundation.py            # all, prints a markdown table
    python benchmarks/bench_foundation.py --quick    # fewer repeats

Cold starts are whole `learn` processes (median of N runs, each a new interpreter); syncs are
timed in-process on a fresh database, median of N.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import write_synthetic_curriculum  # noqa: E402


def _median_run(cmd: list[str], env: dict[str, str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _sync_seconds(folder: Path, repeats: int, *, noop: bool = False) -> float:
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import dispose_engines, get_engine

    times = []
    for _ in range(repeats):
        home = Path(tempfile.mkdtemp(prefix="learn-bench-"))
        try:
            engine = get_engine(home / "learn.db")
            if noop:
                sync_curriculum(engine, folder)
            start = time.perf_counter()
            result = sync_curriculum(engine, folder)
            times.append(time.perf_counter() - start)
            assert result.changed is not noop
        finally:
            dispose_engines()
            shutil.rmtree(home)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    script = Path(sys.executable).parent / "learn"  # the console script a learner runs
    learn = [str(script)] if script.exists() else [sys.executable, "-m", "app.cli.main"]
    rows: list[tuple[str, str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        env = os.environ | {"LEARN_HOME": tmp}
        subprocess.run([*learn, "sync"], env=env, cwd=REPO, check=True, capture_output=True)
        base = _median_run([sys.executable, "-c", "import sqlmodel"], env, repeats)
        helps = _median_run([*learn, "--help"], env, repeats)
        status = _median_run([*learn, "status"], env, repeats)
    rows.append(("`learn --help`, cold start", f"{1000 * helps:.0f} ms", "<= 150 ms"))
    rows.append(("`python -c 'import sqlmodel'`", f"{1000 * base:.0f} ms", "(baseline)"))
    rows.append(
        ("`learn status`, cold start", f"{1000 * status:.0f} ms = {status / base:.2f}x the baseline", "<= 1.3x")
    )

    from app import locations

    real = locations.curriculum_dir()
    rows.append(("full sync of curriculum/", f"{1000 * _sync_seconds(real, repeats):.0f} ms", "<= 300 ms"))
    rows.append(("no-op re-sync", f"{1000 * _sync_seconds(real, repeats, noop=True):.1f} ms", "<= 30 ms"))
    with tempfile.TemporaryDirectory() as tmp:
        for n in (10_000, 25_000, 50_000):
            folder = Path(tmp) / str(n)
            write_synthetic_curriculum(folder, n)
            seconds = _sync_seconds(folder, 1 if args.quick else 3)
            target = "<= 5 s" if n == 50_000 else "linear"
            rows.append(
                (f"sync of {n:,} generated items", f"{seconds:.2f} s ({1e6 * seconds / n:.0f} µs/item)", target)
            )

    print("| benchmark | measured | target |\n|---|---|---|")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
