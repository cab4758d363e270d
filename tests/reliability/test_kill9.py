"""kill -9 at random moments during the four writes that matter: a sync, `learn import` of a big plan,
a drill review and a verify attempt. After every kill: PRAGMA integrity_check is ok, every change the
child reported as committed (it prints after the commit returns) is there, and nothing is half-done.

Default: a few kills per operation (CI); LEARN_RELIABILITY_FULL=1: 25 each (the README figures).
"""

from __future__ import annotations

import json
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_job
from benchmarks.synthetic import write_synthetic_curriculum
from tests.reliability.harness import (
    CORRECT_SOFTMAX,
    FIXTURES,
    integrity,
    kill_loop,
    learn,
    learn_env,
    query,
    record,
    scale,
)
from tests.reliability.plans import big_plan

pytestmark = pytest.mark.slow


def _status_item(index: int) -> str:
    """The index-th of 2,000 item ids present in both synthetic curricula (20 per module)."""
    return f"s{index % 5}-m{(index // 5) % 20}/i{index // 100}"


SYNC_CHILD = """
import sys
from pathlib import Path
from app.db.engine import get_engine
from app.curriculum.sync import sync_curriculum
from app.progress import set_status
engine = get_engine()
folders, start = [Path(sys.argv[1]), Path(sys.argv[2])], int(sys.argv[3])
print("go", flush=True)
n = 0
while True:
    folder = folders[n % 2]
    sync_curriculum(engine, folder, force=True)
    print("synced", folder.name, flush=True)
    item = f"s{(start + n) % 5}-m{((start + n) // 5) % 20}/i{(start + n) // 100}"
    set_status(engine, [item], "done")
    print("done", item, flush=True)
    n += 1
"""


def test_kill_9_during_sync(tmp_path):
    home, old, new = tmp_path / "home", tmp_path / "old", tmp_path / "new"
    sizes = {
        "old": write_synthetic_curriculum(old, 2_000, tag="old"),
        "new": write_synthetic_curriculum(new, 8_000, tag="new"),
    }
    env = learn_env(home, old)
    assert learn("check", "s0-m0/i0", "s1-m1/i1", env=env).returncode == 0
    db = home / "learn.db"
    committed: dict[str, str] = {"s0-m0/i0": "done", "s1-m1/i1": "done"}
    offset = 200

    def check(round_) -> None:
        nonlocal offset
        assert integrity(db) == "ok"
        tags = query(db, "SELECT DISTINCT substr(text, -3) FROM item")
        count = query(db, "SELECT COUNT(*) FROM item")[0][0]
        assert len(tags) == 1 and count == sizes[tags[0][0]], (tags, count)  # all old or all new, never a mix
        for line in round_.lines:
            if line.startswith("done "):
                committed[line.split()[1]] = "done"
        progress = dict(query(db, "SELECT item_id, status FROM progress"))
        assert {k: progress.get(k) for k in committed} == committed
        offset += len(round_.lines) + 1

    kills = scale(4, 25)
    rounds = []
    for n in range(kills):  # one round at a time: each child starts its items where the last one stopped
        rounds += kill_loop(
            SYNC_CHILD, [str(old), str(new), str(offset)], env, kills=1, window=(0.0, 2.0), check=check, seed=1000 + n
        )
    writes = sum(len(r.lines) for r in rounds)
    record(
        "kill9",
        operation="sync (2,000 <-> 8,000 items)",
        kills=kills,
        reported_commits=writes,
        progress_rows_checked=len(committed),
        lost=0,
    )


IMPORT_CHILD = """
import sys
from app.cli.main import app
plans = sys.argv[1:3]
print("go", flush=True)
n = 0
while True:
    try:
        app(["import", plans[n % 2], "--track", "big", "--force"], standalone_mode=False)
    except SystemExit as exc:
        assert not exc.code, exc.code
    print("imported", n % 2, flush=True)
    n += 1
"""


def test_kill_9_during_import_of_a_big_plan(tmp_path):
    from app.curriculum.load import load_curriculum

    home, curriculum = tmp_path / "home", tmp_path / "curriculum"
    shutil.copytree(FIXTURES / "curriculum", curriculum)
    plans = [tmp_path / "plan-a.md", tmp_path / "plan-b.md"]
    plans[0].write_text(big_plan(3_000), encoding="utf-8")
    plans[1].write_text(big_plan(3_000, variant="b"), encoding="utf-8")
    env = learn_env(home, curriculum)
    first = learn("import", str(plans[0]), "--track", "big", "--json", env=env)
    assert first.returncode == 0, first.stderr
    db = home / "learn.db"
    ids = [
        row[0]
        for row in query(
            db,
            "SELECT id FROM item WHERE module_id IN (SELECT id FROM module WHERE track_id = 'big') ORDER BY position",
        )
    ]
    assert len(ids) > 3_000
    ticked = [ids[0], ids[len(ids) // 2], "0.1/pca"]
    assert learn("check", *ticked, env=env).returncode == 0
    plan_a = dict(
        query(
            db, "SELECT id, initial_status FROM item WHERE module_id IN (SELECT id FROM module WHERE track_id = 'big')"
        )
    )
    unticked = (set(plan_a.values()) - {"done"}).pop()  # how the importer stores '[ ]'
    plan_b = {k: unticked if v == "done" else "done" for k, v in plan_a.items()}  # the same items, markers flipped

    def check(round_) -> None:
        assert integrity(db) == "ok"
        tracks = load_curriculum(curriculum)  # the YAML folder is whole: the old file or the new, never half
        assert sorted(t.track.id for t in tracks) == ["alpha", "beta", "big"]
        stored = dict(
            query(
                db,
                "SELECT id, initial_status FROM item WHERE module_id IN (SELECT id FROM module WHERE track_id = 'big')",
            )
        )
        assert stored in (plan_a, plan_b), "a mix of plan a and plan b"
        assert {r[0] for r in query(db, "SELECT item_id FROM progress WHERE status = 'done'")} >= set(ticked)

    kills = scale(4, 25)
    rounds = kill_loop(IMPORT_CHILD, [str(p) for p in plans], env, kills=kills, window=(0.0, 3.0), check=check, seed=2)
    # The next command brings the database in line with whatever YAML the last kill left.
    assert learn("sync", env=env).returncode == 0
    assert integrity(db) == "ok"
    imports = sum(1 for r in rounds for line in r.lines if line.startswith("imported"))
    record(
        "kill9",
        operation="learn import (a 3,000-item plan, --force)",
        kills=kills,
        reported_commits=imports,
        items=len(ids),
        lost=0,
    )


REVIEW_CHILD = """
import sys
from datetime import UTC, datetime, timedelta
from app.study.store import open_store
from app.drill.queue import QueueQuery
from app.drill.session import DrillSession
from app.drill.sync import sync_decks
engine = open_store()
sync_decks(engine)
now = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=int(sys.argv[1]))
print("go", flush=True)
n = 0
while True:
    session = DrillSession.open(engine, QueueQuery(cram=True), now)
    while session.current is not None:
        graded = session.grade(1 + n % 4, now + timedelta(seconds=n))
        n += 1
        print("review", graded.review.id, flush=True)
"""


def test_kill_9_during_drill_reviews(tmp_path):
    home, curriculum = tmp_path / "home", tmp_path / "curriculum"
    shutil.copytree(FIXTURES / "curriculum", curriculum)
    env = learn_env(home, curriculum, LEARN_DRILLS=str(FIXTURES / "drills"))
    assert learn("drill", "list", env=env).returncode == 0
    db = home / "learn.db"
    reported: set[str] = set()
    day = 0

    def check(round_) -> None:
        nonlocal day
        assert integrity(db) == "ok"
        reported.update(line.split()[1] for line in round_.lines if line.startswith("review "))
        stored = {row[0] for row in query(db, "SELECT id FROM drill_review")}
        assert reported <= stored, f"{len(reported - stored)} committed reviews lost"
        day += 1

    kills = scale(6, 25)
    rounds = []
    for n in range(kills):
        rounds += kill_loop(REVIEW_CHILD, [str(n)], env, kills=1, window=(0.05, 0.6), check=check, seed=300 + n)
    listed = learn("drill", "list", "--json", env=env)  # every card's state replays from the reviews
    assert listed.returncode == 0, listed.stderr
    assert (
        sum(c["reviews"] for c in json.loads(listed.stdout)["cards"])
        == query(db, "SELECT COUNT(*) FROM drill_review")[0][0]
    )
    assert reported
    record("kill9", operation="drill review", kills=kills, reported_commits=len(reported), lost=0)


VERIFY_CHILD = """
import json, pickle, sys
from types import SimpleNamespace
from app.study.store import open_store
from app.progress import set_status
from app.verify.attempts import store_attempts, tick_items
engine = open_store()
with open(sys.argv[1], "rb") as fh:
    report = pickle.load(fh)  # a real report of a passing run, made once by the test
exercise = SimpleNamespace(id=report.id, items=tuple(json.loads(sys.argv[2])))
print("go", flush=True)
while True:
    [attempt] = store_attempts(engine, [report])
    print("attempt", attempt, flush=True)
    ticks = tick_items(engine, [exercise], [exercise])
    print("ticked", *ticks.ticked, flush=True)
    set_status(engine, list(exercise.items), "todo")
    print("untick", flush=True)
"""


def test_kill_9_during_verify_attempt_writes(tmp_path):
    home = tmp_path / "home"
    env = learn_env(home, LEARN_WORKSPACE=str(tmp_path / "workspace"))
    env.pop("LEARN_CURRICULUM", None)  # the real curriculum: softmax's items are in it
    assert learn("status", env=env).returncode == 0
    solution = tmp_path / "softmax.py"
    solution.write_text("import numpy as np\n" + CORRECT_SOFTMAX, encoding="utf-8")
    softmax = registry.find("softmax")[0]
    report = run_job(Job(softmax, str(solution)))
    assert report.passed, report.error
    pickled = tmp_path / "report.pickle"
    pickled.write_bytes(pickle.dumps(report))
    db = home / "learn.db"
    reported: set[str] = set()

    def check(round_) -> None:
        assert integrity(db) == "ok"
        reported.update(line.split()[1] for line in round_.lines if line.startswith("attempt "))
        rows = dict(query(db, "SELECT id, details FROM verify_attempt"))
        assert reported <= set(rows), f"{len(reported - set(rows))} committed attempts lost"
        assert all(json.loads(details)["status"] == "passed" for details in rows.values())

    kills = scale(5, 25)
    rounds = kill_loop(
        VERIFY_CHILD,
        [str(pickled), json.dumps(list(softmax.items))],
        env,
        kills=kills,
        window=(0.05, 0.6),
        check=check,
        seed=4,
    )
    assert any(line.startswith("ticked iv-") for r in rounds for line in r.lines)  # the ticks were written too
    assert reported
    exported = learn("data", "export", "-", env=env)  # every stored attempt reads back as a valid record
    assert exported.returncode == 0, exported.stderr
    assert reported <= {a["id"] for a in json.loads(exported.stdout)["verify_attempts"]}
    record(
        "kill9", operation="verify attempt write (+ tick / untick)", kills=kills, reported_commits=len(reported), lost=0
    )


def test_a_killed_sqlite_transaction_is_invisible_afterwards(tmp_path):
    """The property every loop above relies on, shown directly: an open write transaction killed with
    -9 leaves nothing, and the next writer does not wait on its lock."""
    import subprocess
    import sys
    import time

    db = tmp_path / "home" / "learn.db"
    env = learn_env(db.parent, FIXTURES / "curriculum")
    assert learn("check", "0.1/pca", env=env).returncode == 0
    script = (
        "from app.db.engine import get_engine, write_connection; from sqlalchemy import text; import time\n"
        "with write_connection(get_engine()) as conn:\n"
        "    conn.execute(text(\"UPDATE progress SET status = 'todo'\"))\n"
        "    conn.execute(text(\"INSERT INTO progress VALUES ('ghost', 'done', 'x', NULL)\"))\n"
        "    print('go', flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], cwd=Path(__file__).parents[2], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "go"
    child.kill()
    child.wait()
    child.stdout.close()
    started = time.monotonic()
    assert learn("check", "0.1/matmul", env=env).returncode == 0
    assert time.monotonic() - started < 10  # no stale lock to wait out
    assert integrity(db) == "ok"
    assert sorted(query(db, "SELECT item_id, status FROM progress")) == [("0.1/matmul", "done"), ("0.1/pca", "done")]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM progress WHERE item_id = 'ghost'").fetchone() == (0,)
