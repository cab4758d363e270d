"""Every committed database of an earlier (or the current) schema version opens with today's code,
upgraded if it must be (a backup first), with all of its data found: the export equals the one taken
when the fixture was made (tests/reliability/make_fixture_db.py), and each feature reads its rows."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.db.engine import SCHEMA_VERSION
from tests.reliability.harness import FIXTURES

HERE = Path(__file__).parent / "fixtures"
DATABASES = sorted(HERE.glob("learn-v*.sqlite3"), key=lambda p: int(p.stem.removeprefix("learn-v")))


def test_there_is_a_fixture_of_the_current_schema_version():
    # The next version's migration starts from it: `python tests/reliability/make_fixture_db.py`
    # before bumping SCHEMA_VERSION.
    assert HERE / f"learn-v{SCHEMA_VERSION}.sqlite3" in DATABASES


@pytest.mark.parametrize("fixture", DATABASES, ids=lambda p: p.stem)
def test_an_old_database_opens_with_all_its_data(fixture, learn_home, curriculum, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("LEARN_DRILLS", str(FIXTURES / "drills"))
    version = int(fixture.stem.removeprefix("learn-v"))
    with sqlite3.connect(fixture) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (version,)
    learn_home.mkdir(parents=True)
    shutil.copyfile(fixture, learn_home / "learn.db")

    exported = tmp_path / "export.json"
    result = cli("data", "export", str(exported))
    assert result.exit_code == 0, result.stderr
    if version < SCHEMA_VERSION:
        assert f"upgrading the database from schema v{version} to v{SCHEMA_VERSION}" in result.stderr
        assert list((learn_home / "backups").glob(f"learn-*-before-v{SCHEMA_VERSION}.db"))
    expected = json.loads(fixture.with_suffix(".export.json").read_text(encoding="utf-8"))
    found = json.loads(exported.read_text(encoding="utf-8"))
    for kind in set(found) - set(expected):  # kinds of data added after the fixture's version: none yet
        expected[kind] = []
    assert {k: v for k, v in found.items() if k != "exported_at"} == {
        k: v for k, v in expected.items() if k != "exported_at"
    }
    with sqlite3.connect(learn_home / "learn.db") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)

    # Each feature reads its own rows.
    statuses = {
        i["id"]: i["status"]
        for s in cli.json("show", "0.1")["sections"]
        for i in s["items"]
        for i in [i, *i["children"]]
    }
    assert statuses["0.1/pca"] == "done"
    assert cli.json("show", "0.2")["sections"][0]["items"][0]["status"] == "in_progress"
    assert cli.json("sync")["hidden_progress"] == 1  # 0.9/left-the-yaml: kept, hidden
    cards = {c["id"]: c["reviews"] for c in cli.json("drill", "list")["cards"]}
    assert cards["basics/matmul-shape"] == 2 and cards["basics/pca"] == 1
    search = cli("log", "search", "eigenvectors")
    assert search.exit_code == 0 and "0f0e0d0c" in search.stdout
    doctor = cli.json("doctor")
    assert doctor["ok"], [c for c in doctor["checks"] if c["status"] == "error"]
    assert [row["item_id"] for row in doctor["orphans"]["progress"]] == ["0.9/left-the-yaml"]


def test_a_next_version_starts_from_the_newest_fixture(learn_home, curriculum, cli, monkeypatch, tmp_path):
    """A stand-in for the next migration (a column added): what it will meet, and what must hold."""
    from app.db import engine as db_engine

    learn_home.mkdir(parents=True)
    shutil.copyfile(DATABASES[-1], learn_home / "learn.db")
    monkeypatch.setattr(db_engine, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(
        db_engine.MIGRATIONS,
        SCHEMA_VERSION,
        lambda conn: conn.exec_driver_sql("ALTER TABLE progress ADD COLUMN note TEXT"),
    )
    exported = tmp_path / "export.json"
    result = cli("data", "export", str(exported))
    assert result.exit_code == 0 and "upgrading the database" in result.stderr
    [copy] = (learn_home / "backups").glob(f"learn-*-before-v{SCHEMA_VERSION + 1}.db")
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"
    expected = json.loads(DATABASES[-1].with_suffix(".export.json").read_text(encoding="utf-8"))
    assert json.loads(exported.read_text(encoding="utf-8"))["progress"] == expected["progress"]
