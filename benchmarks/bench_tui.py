"""TUI benchmarks against the targets of issue 8, printed as a markdown table.

    python benchmarks/bench_tui.py            # real curriculum, 7 cold starts
    python benchmarks/bench_tui.py --quick    # 3 cold starts, 20 toggles

- start: `learn` (the console script, a new interpreter each run) in a pseudo-terminal of 80x24, until
  the first frame holding the dashboard (the first track titles and the key bar) has been written; then `q`.
  The database exists and the curriculum is synced (the state of every start but the first).
- toggle: in-process, with Textual's pilot at 80x24: space on a checklist item, from the key press
  until the screen has processed it (the write through app.progress.set_status, the module reloaded,
  the line redrawn).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pty
import re
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

START_TARGET_MS = 700
TOGGLE_TARGET_MS = 50
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>NOM78c])")


def _learn_command() -> list[str]:
    script = Path(sys.executable).with_name("learn")
    return [str(script)] if script.exists() else [sys.executable, "-m", "app.cli.main"]


def _first_track_titles(env: dict[str, str]) -> list[str]:
    out = subprocess.run(_learn_command() + ["status", "--json"], env=env, capture_output=True, check=True, text=True)
    import json

    return [t["title"][:12] for t in json.loads(out.stdout)["tracks"]][:2]


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far: what the start costs on an idle machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_start(env: dict[str, str], markers: list[bytes], timeout: float = 20.0) -> tuple[float, float | None]:
    """(wall seconds, CPU seconds) from spawning `learn` to the first output holding every marker."""
    import fcntl
    import termios

    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    child = subprocess.Popen(
        _learn_command(), stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, cwd=REPO, start_new_session=True
    )
    os.close(child_fd)
    seen = b""
    elapsed = None
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([main_fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            seen += chunk
            plain = ANSI.sub(b"", seen)
            if all(marker in plain for marker in markers):
                elapsed = time.perf_counter() - started
                cpu = _cpu_seconds(child.pid)
                break
        if elapsed is None:
            raise RuntimeError(f"no dashboard within {timeout} s; output: {ANSI.sub(b'', seen)[-500:]!r}")
        quit_by = time.perf_counter() + 10
        sent = 0.0
        while child.poll() is None and time.perf_counter() < quit_by:
            if time.perf_counter() - sent > 0.5:  # again, in case it came before input was read
                os.write(main_fd, b"q")
                sent = time.perf_counter()
            if select.select([main_fd], [], [], 0.05)[0]:  # drain: a full pty would block it
                try:
                    os.read(main_fd, 65536)
                except OSError:
                    break
        # (a process can take seconds to be reaped on a loaded sandbox; the quit itself is not timed)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(main_fd)
    return elapsed, cpu


def bench_start(repeats: int) -> list[tuple[float, float | None]]:
    home = Path(tempfile.mkdtemp(prefix="learn-bench-tui-"))
    try:
        env = {**os.environ, "LEARN_HOME": str(home), "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
        markers = [t.encode() for t in _first_track_titles(env)] + [b"Quit"]  # also syncs the YAML
        time_start(env, markers)  # warm the OS file cache, as a learner's second start would be
        return [time_start(env, markers) for _ in range(repeats)]
    finally:
        shutil.rmtree(home, ignore_errors=True)


async def _toggles(count: int) -> list[float]:
    """Each toggle: a space key posted to the app, until the next frame written after the item's
    status changed (frames are caught at App._display, where Textual hands them to the terminal)."""
    from textual import events

    from app.module_view import module_view
    from app.study.store import open_store
    from app.tui.app import LearnApp
    from app.tui.widgets.checklist import Checklist

    engine = open_store()
    module_id = max(_module_ids(engine), key=lambda m: module_view(engine, m).items_total)  # the most to redraw
    app = LearnApp(engine, poll_seconds=None)
    shown: list[tuple[float, str | None]] = []  # (when a frame went out, the highlighted item's status then)
    display = app._display
    checklist = None

    def record(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and checklist is not None:
            shown.append((time.perf_counter(), checklist.highlighted_item.status))

    app._display = record
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_module(module_id)
        await pilot.pause()
        checklist = app.screen.query_one(Checklist)
        for _ in range(count):
            before = checklist.highlighted_item.status
            start = time.perf_counter()
            app.post_message(events.Key("space", " "))
            while not any(when > start and status != before for when, status in shown):
                await asyncio.sleep(0.0005)
                if time.perf_counter() - start > 5:
                    raise RuntimeError("the toggle did not show within 5 s")
            times.append(next(when for when, status in shown if when > start and status != before) - start)
            await pilot.pause()
            shown.clear()
    return times


def _module_ids(engine) -> list[str]:
    from app.dashboard import dashboard

    return [m.id for t in dashboard(engine) for c in t.categories for m in c.modules]


def bench_toggle(count: int) -> list[float]:
    home = Path(tempfile.mkdtemp(prefix="learn-bench-tui-"))
    os.environ["LEARN_HOME"] = str(home)
    try:
        return asyncio.run(_toggles(count))
    finally:
        from app.db.engine import dispose_engines

        dispose_engines()
        shutil.rmtree(home, ignore_errors=True)


def _row(name: str, times: list[float], target_ms: int) -> str:
    ms = sorted(t * 1000 for t in times)
    median = statistics.median(ms)
    p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
    verdict = "ok" if median <= target_ms else "OVER"
    return f"| {name} | {median:.0f} ms | {ms[0]:.0f} ms | {p90:.0f} ms | <= {target_ms} ms | {verdict} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    starts = bench_start(3 if args.quick else 7)
    toggles = bench_toggle(20 if args.quick else 50)
    print(f"TUI benchmarks, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average {load:.2f}\n")
    print("| what | median | best | p90 | target | |")
    print("|---|---|---|---|---|---|")
    print(
        _row(
            f"`learn` to the first painted dashboard (80x24, {len(starts)} runs)",
            [w for w, _ in starts],
            START_TARGET_MS,
        )
    )
    cpu = [c for _, c in starts if c is not None]
    if cpu:
        print(_row("the same, CPU time of the process (what an idle machine waits)", cpu, START_TARGET_MS))
    print(_row(f"toggle an item, space to redrawn ({len(toggles)} toggles)", toggles, TOGGLE_TARGET_MS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
