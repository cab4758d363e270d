"""The learner's data is never half-written or silently lost: crashes, migrations, bad database files."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.db import engine as db_engine
from benchmarks.synthetic import write_synthetic_curriculum

REPO = Path(__file__).resolve().parent.parent


def _learn(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "app.cli.main", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def test_kill_9_during_sync_leaves_the_old_or_the_new_curriculum(tmp_path):
    """A sync killed at random moments: never half a curriculum, never lost progress."""
    home, old, new = tmp_path / "home", tmp_path / "old", tmp_path / "new"
    n_old = write_synthetic_curriculum(old, 2_000, tag="old")
    n_new = write_synthetic_curriculum(new, 12_000, tag="new")
    env = os.environ | {"LEARN_HOME": str(home), "LEARN_CURRICULUM": str(old)}
    assert _learn("check", "s0-m0/i0", "s1-m1/i1", env=env).returncode == 0
    script = (
        "import sys; from pathlib import Path; from app.db.engine import get_engine; "
        "from app.curriculum.sync import sync_curriculum; "
        "print('go', flush=True); sync_curriculum(get_engine(), Path(sys.argv[1]), force=True)"
    )
    rng = random.Random(7)
    outcomes = set()
    for _ in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(new)], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "go"
        time.sleep(rng.uniform(0.0, 1.5))
        child.send_signal(signal.SIGKILL)
        child.wait()
        with sqlite3.connect(home / "learn.db") as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            items = conn.execute("SELECT COUNT(*) FROM item").fetchone()[0]
            tags = {row[0].rsplit(" ", 1)[-1] for row in conn.execute("SELECT text FROM item")}
            progress = conn.execute("SELECT item_id, status FROM progress ORDER BY item_id").fetchall()
        assert (items, tags) in [(n_old, {"old"}), (n_new, {"new"})]
        assert progress == [("s0-m0/i0", "done"), ("s1-m1/i1", "done")]
        outcomes.add(items)
        if items == n_new:  # start the next round from the old curriculum again
            assert _learn("sync", env=env).returncode == 0
    assert n_old in outcomes  # at least one kill landed before the commit


def test_migration_copies_the_database_aside_first(learn_home, curriculum, cli, monkeypatch, capsys):
    cli("check", "0.1/pca")
    db_engine.dispose_engines()

    def add_column(conn):
        conn.exec_driver_sql("ALTER TABLE progress ADD COLUMN note TEXT DEFAULT 'migrated'")

    monkeypatch.setattr(db_engine, "SCHEMA_VERSION", db_engine.SCHEMA_VERSION + 1)
    monkeypatch.setitem(db_engine.MIGRATIONS, db_engine.SCHEMA_VERSION - 1, add_column)
    notices: list[str] = []
    db_engine.get_engine(notice=notices.append)
    backups = list((learn_home / "backups").glob("learn-*-before-v*.db"))
    assert len(backups) == 1
    assert notices == [
        f"upgrading the database from schema v{db_engine.SCHEMA_VERSION - 1} to "
        f"v{db_engine.SCHEMA_VERSION}; a copy is at {backups[0]}"
    ]
    with sqlite3.connect(learn_home / "learn.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db_engine.SCHEMA_VERSION
        assert conn.execute("SELECT item_id, status, note FROM progress").fetchall() == [
            ("0.1/pca", "done", "migrated")
        ]
    with sqlite3.connect(backups[0]) as conn:  # the copy is the database as it was
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db_engine.SCHEMA_VERSION - 1
        assert conn.execute("SELECT item_id, status FROM progress").fetchall() == [("0.1/pca", "done")]


def test_failed_migration_changes_nothing(learn_home, curriculum, cli, monkeypatch):
    cli("check", "0.1/pca")
    db_engine.dispose_engines()
    before = (learn_home / "learn.db").read_bytes()

    def broken(conn):
        conn.exec_driver_sql("DELETE FROM progress")
        raise RuntimeError("bug in migration")

    monkeypatch.setattr(db_engine, "SCHEMA_VERSION", db_engine.SCHEMA_VERSION + 1)
    monkeypatch.setitem(db_engine.MIGRATIONS, db_engine.SCHEMA_VERSION - 1, broken)
    with pytest.raises(RuntimeError):
        db_engine.get_engine(notice=lambda _: None)
    with sqlite3.connect(learn_home / "learn.db") as conn:
        assert conn.execute("SELECT item_id FROM progress").fetchall() == [("0.1/pca",)]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db_engine.SCHEMA_VERSION - 1
    assert len(before) > 0


def test_newer_schema_is_refused(learn_home, curriculum, cli):
    cli("status")
    db_engine.dispose_engines()
    with sqlite3.connect(learn_home / "learn.db") as conn:
        conn.execute("PRAGMA user_version = 99")
    result = cli("status")
    assert result.exit_code == 2
    assert "schema version 99, newer than this learn understands" in result.stderr
    assert "upgrade learn" in result.stderr


def test_corrupt_database_is_refused_and_kept(learn_home, curriculum, cli):
    learn_home.mkdir(parents=True)
    junk = bytes(random.Random(1).getrandbits(8) for _ in range(4096))
    (learn_home / "learn.db").write_bytes(junk)
    result = cli("status")
    assert result.exit_code == 2
    assert "not a learn database" in result.stderr and "backups" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (learn_home / "learn.db").read_bytes() == junk


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_read_only_home(tmp_path, curriculum, cli, monkeypatch):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    monkeypatch.setenv("LEARN_HOME", str(home / "sub"))
    result = cli("status")
    assert result.exit_code == 2
    assert "set LEARN_HOME to a writable folder" in result.stderr


def test_cli_start_up_imports_nothing_heavy():
    """`learn --help` must stay fast: no database, YAML schema, Textual or PyTorch at import time."""
    heavy = ("sqlalchemy", "sqlmodel", "pydantic", "textual", "torch", "triton", "yaml", "numpy")
    code = f"import sys, app.cli.main; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
