"""Never "database is locked": eight processes write at once (check, uncheck, review) while a ninth
reads the dashboard in a loop, as the TUI does. Every write lands; none fails."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.synthetic import write_synthetic_curriculum
from tests.reliability.harness import REPO, integrity, learn, learn_env, query, record

WRITERS = 8
WRITES = 50  # per writer: 20 checks, 10 unchecks, 20 reviews

WRITER = """
import json, sys, time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from fsrs import Card
from app.db.engine import get_engine
from app.drill.store import record_review
from app.progress import set_status
writer, start_file, writes = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
engine = get_engine()
print("ready", flush=True)
deadline = time.monotonic() + 120
while not start_file.exists() and time.monotonic() < deadline:
    time.sleep(0.002)
log, waits = [], []
for n in range(writes):
    began = time.perf_counter()
    step = n % 5
    if step in (0, 1):  # check a new item of this writer
        item = f"s{writer % 5}-m{(writer * 7 + n) % 20}/i{n // 5 * 2 + step}"
        set_status(engine, [item], "done")
        log.append(["done", item])
    elif step == 2:  # uncheck the one checked just before
        set_status(engine, [log[-1][1]], "todo")
        log.append(["todo", log[-1][1]])
    else:
        at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
        review = record_review(engine, f"card-{writer}-{n}", 3, at, 1000, Card(), Card())
        log.append(["review", review.id])
    waits.append(time.perf_counter() - began)
print(json.dumps({"log": log, "max_wait": max(waits), "mean_wait": sum(waits) / len(waits)}), flush=True)
"""

READER = """
import sys, time
from pathlib import Path
from app.dashboard import dashboard
from app.db.engine import get_engine
engine = get_engine()
start_file, stop_file = Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
deadline = time.monotonic() + 120  # never outlive a test that failed
while not start_file.exists() and time.monotonic() < deadline:
    time.sleep(0.002)
reads = 0
while not stop_file.exists() and time.monotonic() < deadline:
    dashboard(engine)
    reads += 1
print(reads, flush=True)
"""


def _spawn(script: str, *args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_eight_writers_at_once_lose_nothing(tmp_path):
    home, curriculum = tmp_path / "home", tmp_path / "curriculum"
    write_synthetic_curriculum(curriculum, 2_000)
    env = learn_env(home, curriculum)
    assert learn("sync", env=env).returncode == 0
    start, stop = tmp_path / "start", tmp_path / "stop"
    writers = [_spawn(WRITER, str(w), str(start), str(WRITES), env=env) for w in range(WRITERS)]
    reader = _spawn(READER, str(start), str(stop), env=env)
    try:
        for child in [*writers, reader]:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        began = time.monotonic()
        start.touch()  # all at once
        results = []
        for child in writers:
            out, err = child.communicate(timeout=120)
            assert child.returncode == 0, err
            assert err == "", err
            results.append(json.loads(out))
        elapsed = time.monotonic() - began
        stop.touch()
        reads, err = reader.communicate(timeout=60)
        assert reader.returncode == 0 and err == "", err
    finally:
        stop.touch()
        for child in [*writers, reader]:
            if child.poll() is None:
                child.kill()
                child.wait()

    db = home / "learn.db"
    assert integrity(db) == "ok"
    expected: dict[str, str] = {}
    review_ids = set()
    for result in results:
        assert len(result["log"]) == WRITES
        for kind, ident in result["log"]:
            if kind == "review":
                review_ids.add(ident)
            else:
                expected[ident] = kind  # a writer's own items: its last write is the final state
    progress = dict(query(db, "SELECT item_id, status FROM progress"))
    assert progress == expected
    stored_reviews = {row[0] for row in query(db, "SELECT id FROM drill_review")}
    assert stored_reviews == review_ids and len(review_ids) == WRITERS * 20
    max_wait = max(r["max_wait"] for r in results)
    record(
        "concurrency",
        writers=WRITERS,
        writes_each=WRITES,
        writes=WRITERS * WRITES,
        errors=0,
        reads_meanwhile=int(reads),
        seconds=round(elapsed, 2),
        max_wait_s=round(max_wait, 3),
        lost=0,
    )


def test_a_writer_waits_for_a_long_write_instead_of_failing(tmp_path):
    """One process holds the write lock for 1.5 s (a big sync, say); a `learn check` meanwhile waits
    on busy_timeout and succeeds."""
    home = tmp_path / "home"
    env = learn_env(home, Path(__file__).parents[1] / "fixtures" / "curriculum")
    assert learn("status", env=env).returncode == 0
    holder = _spawn(
        "from app.db.engine import get_engine, write_connection; from sqlalchemy import text; import time\n"
        "with write_connection(get_engine()) as conn:\n"
        "    conn.execute(text(\"INSERT INTO meta VALUES ('held', 'yes')\"))\n"
        "    print('ready', flush=True); time.sleep(1.5)\n",
        env=env,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        began = time.monotonic()
        result = learn("check", "0.1/pca", env=env)
        waited = time.monotonic() - began
        holder.communicate(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert result.returncode == 0, result.stderr
    assert "locked" not in result.stderr
    assert waited >= 1.4  # it waited for the lock to be let go
    assert query(home / "learn.db", "SELECT status FROM progress WHERE item_id = '0.1/pca'") == [("done",)]
    assert query(home / "learn.db", "SELECT value FROM meta WHERE key = 'held'") == [("yes",)]
