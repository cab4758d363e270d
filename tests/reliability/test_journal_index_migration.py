"""The journal's FTS5 index and its triggers are part of the schema (v2), not made lazily (issue 14).

A new database has them from its first command, whichever it is; a v1 database gets them from the
v1 -> v2 migration, filled from the entries it holds, whether the lazy code of v1 had made them or not.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.db.engine import SCHEMA_VERSION, dispose_engines
from app.db.journal_index import INDEX, TRIGGERS
from app.db.schema_objects import expected_objects
from tests.reliability.harness import FIXTURES, query

V1 = Path(__file__).parent / "fixtures" / "learn-v1.sqlite3"
V1_ENTRIES = {"0f0e0d0c0b0a09080706050403020101", "0f0e0d0c0b0a09080706050403020102"}


def _journal_objects(db: Path) -> set[str]:
    return {
        name
        for (name,) in query(
            db, "SELECT name FROM sqlite_master WHERE name = ? OR type = 'trigger' AND tbl_name = 'log_entry'", (INDEX,)
        )
    }


def test_schema_v2_has_the_index():
    assert SCHEMA_VERSION >= 2
    assert ("table", INDEX) in expected_objects() and {("trigger", t) for t in TRIGGERS} <= expected_objects()


def test_a_new_database_has_the_index_and_triggers_from_its_first_command(learn_home, curriculum, cli):
    assert cli("check", "0.1/pca").exit_code == 0  # no journal command has run
    dispose_engines()
    db = learn_home / "learn.db"
    assert _journal_objects(db) == {INDEX, *TRIGGERS}
    assert query(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    entry = cli.json("log", "add", "-m", "0.1", "--progress", "roofline plots")["id"]
    assert [r["id"] for r in cli.json("log", "search", "roofline")["results"]] == [entry]


@pytest.mark.parametrize("had_index", [True, False], ids=["v1 with the lazy index", "v1 never searched"])
def test_the_v1_to_v2_migration_makes_and_fills_the_index(learn_home, curriculum, cli, monkeypatch, had_index):
    monkeypatch.setenv("LEARN_DRILLS", str(FIXTURES / "drills"))
    learn_home.mkdir(parents=True)
    db = learn_home / "learn.db"
    shutil.copyfile(V1, db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        if not had_index:
            conn.execute(f"DROP TABLE {INDEX}")
            for trigger in TRIGGERS:
                conn.execute(f"DROP TRIGGER {trigger}")
    result = cli("log", "list")
    assert result.exit_code == 0 and f"from schema v1 to v{SCHEMA_VERSION}" in result.stderr
    dispose_engines()
    assert _journal_objects(db) == {INDEX, *TRIGGERS}
    # Each entry indexed once: a present index is not filled a second time.
    assert sorted(r[0] for r in query(db, f"SELECT entry_id FROM {INDEX}")) == sorted(V1_ENTRIES)
    assert [r["id"] for r in cli.json("log", "search", "eigenvectors")["results"]] == [
        "0f0e0d0c0b0a09080706050403020101"
    ]
    assert [r["id"] for r in cli.json("log", "search", "warps")["results"]] == ["0f0e0d0c0b0a09080706050403020102"]
    new = cli.json("log", "add", "-m", "0.1", "--progress", "tiling for shared memory")["id"]
    assert [r["id"] for r in cli.json("log", "search", "tiling")["results"]] == [new]
    assert cli.json("doctor")["ok"]


def test_a_failed_migration_leaves_the_v1_database_as_it_was(learn_home, curriculum, cli, monkeypatch):
    from app.db import engine as db_engine

    learn_home.mkdir(parents=True)
    db = learn_home / "learn.db"
    shutil.copyfile(V1, db)
    with sqlite3.connect(db) as conn:
        conn.execute(f"DROP TABLE {INDEX}")
    original = db_engine.MIGRATIONS[1]

    def halfway(conn):
        original(conn)  # the index made and filled, then the step fails: all of it is rolled back
        raise RuntimeError("stopped halfway")

    monkeypatch.setitem(db_engine.MIGRATIONS, 1, halfway)
    with pytest.raises(RuntimeError):
        cli("status")
    dispose_engines()
    assert query(db, "PRAGMA user_version") == [(1,)]
    assert INDEX not in _journal_objects(db)
    assert query(db, "SELECT COUNT(*) FROM log_entry") == [(2,)]
