"""Backups (VACUUM INTO, never a file copy of a live WAL database), the last N kept, once a day and
before every migration; `learn data backup [PATH]` and `learn data restore PATH`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import backup
from app.db import engine as db_engine
from app.db.engine import dispose_engines
from tests.conftest import db_snapshot
from tests.reliability.harness import REPO, integrity, learn_env, query


def _backups(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "backups").glob("learn-*.db"))


def _done(cli, module: str = "0.1") -> set[str]:
    stack = [i for s in cli.json("show", module)["sections"] for i in s["items"]]
    found = set()
    while stack:
        item = stack.pop()
        found |= {item["id"]} if item["status"] == "done" else set()
        stack += item["children"]
    return found


def test_backup_now_to_the_backups_folder_a_file_or_a_folder(learn_home, curriculum, cli, tmp_path):
    cli("check", "0.1/pca")
    made = cli.json("data", "backup")
    assert Path(made["file"]).parent == learn_home / "backups" and made["file"].endswith("-manual.db")
    assert query(Path(made["file"]), "SELECT item_id FROM progress") == [("0.1/pca",)]
    target = tmp_path / "mine.db"
    assert cli.json("data", "backup", str(target))["file"] == str(target)
    assert integrity(target) == "ok"
    into_folder = cli.json("data", "backup", str(tmp_path))["file"]
    assert Path(into_folder).parent == tmp_path and Path(into_folder).name.startswith("learn-")
    again = cli("data", "backup", str(target))
    assert (
        again.exit_code == 2
        and again.stderr == f"learn: {target} exists; give a new file name (a backup never overwrites a file)\n"
    )
    nowhere = cli("data", "backup", str(tmp_path / "no" / "such.db"))
    assert nowhere.exit_code == 2 and "no folder" in nowhere.stderr


def test_a_backup_holds_commits_still_in_the_wal(learn_home, curriculum, cli):
    """A file copy of learn.db alone would miss them: VACUUM INTO reads through the WAL."""
    cli("check", "0.1/pca", "0.2/linear")
    engine = db_engine.get_engine()
    with engine.connect() as conn:  # an open connection keeps the WAL from being folded back on close
        assert (learn_home / "learn.db-wal").stat().st_size > 0
        copy = backup.backup_database(learn_home / "learn.db", "manual")
        conn.rollback()
    assert sorted(query(copy, "SELECT item_id FROM progress")) == [("0.1/pca",), ("0.2/linear",)]
    assert not Path(str(copy) + "-wal").exists()


def test_a_backup_taken_during_writes_is_consistent(learn_home, curriculum, cli, tmp_path):
    cli("status")
    env = learn_env(learn_home, curriculum)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "from app.db.engine import get_engine; from app.progress import set_status\n"
                "e = get_engine(); print('go', flush=True)\n"
                "for n in range(400): set_status(e, ['0.1/pca', '0.1/matmul'], 'done' if n % 2 else 'todo')\n"
            ),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "go"
    copies = [backup.backup_database(learn_home / "learn.db", "manual", target=tmp_path / f"c{n}.db") for n in range(8)]
    writer.communicate(timeout=60)
    for copy in copies:
        assert integrity(copy) == "ok"
        statuses = {s for (s,) in query(copy, "SELECT status FROM progress")}
        assert len(statuses) <= 1  # both items of one transaction, never half of it


def test_once_a_day_on_first_use_of_an_existing_database(learn_home, curriculum, cli):
    cli("status")  # a new database: nothing to back up yet
    assert _backups(learn_home) == []
    dispose_engines()
    cli("check", "0.1/pca")  # the first command (process) of the day: one copy
    assert [name.split("-")[-1] for name in _backups(learn_home)] == ["daily.db"]
    dispose_engines()
    cli("check", "0.1/matmul")
    assert len(_backups(learn_home)) == 1  # not twice a day
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    assert backup.daily_backup(learn_home / "learn.db", now=tomorrow) is not None
    assert backup.daily_backup(learn_home / "learn.db", now=tomorrow) is None
    assert len(_backups(learn_home)) == 2


def test_eight_commands_starting_at_once_make_one_daily_copy(learn_home, curriculum, cli):
    cli("status")
    dispose_engines()
    env = learn_env(learn_home, curriculum)
    opener = "from app.db.engine import get_engine; get_engine()"  # what every command does first
    children = [
        subprocess.Popen(
            [sys.executable, "-c", opener],
            cwd=REPO,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0 and err == "", err
    assert len(_backups(learn_home)) == 1
    assert list((learn_home / "backups").glob(".*")) == []  # no claim or partial file left


def test_the_last_n_are_kept(learn_home, curriculum, cli, monkeypatch):
    cli("status")
    monkeypatch.setenv("LEARN_KEEP_BACKUPS", "3")
    made = [cli.json("data", "backup")["file"] for _ in range(5)]
    assert _backups(learn_home) == sorted(Path(m).name for m in made[-3:])
    monkeypatch.setenv("LEARN_KEEP_BACKUPS", "none")
    dispose_engines()
    for command in (["data", "backup"], ["status"]):  # every command, not only the day's first
        result = cli(*command)
        assert result.exit_code == 2
        assert result.stderr == (
            "learn: LEARN_KEEP_BACKUPS='none' is not a whole number >= 1; set it to how many "
            "backups to keep (default 10)\n"
        )
    assert len(_backups(learn_home)) == 3  # nothing written


def test_a_copy_killed_midway_never_looks_like_a_backup(learn_home, curriculum, cli, monkeypatch):
    cli("check", "0.1/pca")

    def crash(source, target):
        Path(target).write_bytes(b"SQLite format 3\x00half")
        raise KeyboardInterrupt

    monkeypatch.setattr(backup, "vacuum_into", crash)
    with pytest.raises(KeyboardInterrupt):
        backup.backup_database(learn_home / "learn.db", "manual")
    assert backup.list_backups(learn_home / "backups") == []
    assert list((learn_home / "backups").iterdir()) == []


def test_the_migration_backup_goes_through_the_same_module(learn_home, curriculum, cli, monkeypatch):
    cli("check", "0.1/pca")
    dispose_engines()
    monkeypatch.setenv("LEARN_KEEP_BACKUPS", "1")
    monkeypatch.setattr(db_engine, "SCHEMA_VERSION", db_engine.SCHEMA_VERSION + 1)
    monkeypatch.setitem(db_engine.MIGRATIONS, db_engine.SCHEMA_VERSION - 1, lambda conn: None)
    db_engine.get_engine(notice=lambda _: None)
    [only] = backup.list_backups(learn_home / "backups")
    assert only.reason == f"before-v{db_engine.SCHEMA_VERSION}"  # and no daily copy beside it: one a day is enough


# -- restore -----------------------------------------------------------------------------------------


def test_restore_brings_the_backup_back_and_keeps_what_it_replaced(learn_home, curriculum, cli):
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup")["file"]
    cli("uncheck", "0.1/pca")
    cli("check", "0.1/matmul")
    replaced = db_snapshot(learn_home)
    result = cli.json("data", "restore", saved)
    assert (
        result["counts"]["progress"] == 1
        and result["schema_version"] == db_engine.SCHEMA_VERSION
        and not result["kept_damaged"]
    )
    assert _done(cli) >= {"0.1/pca"} and "0.1/matmul" not in _done(cli)
    kept = Path(result["kept"])
    assert kept.name.endswith("-before-restore.db")
    with sqlite3.connect(kept) as conn:
        assert sorted(conn.execute("SELECT * FROM progress").fetchall()) == sorted(replaced["progress"])
    human = cli("data", "restore", str(kept))
    assert human.exit_code == 0 and "The database it replaced:" in human.stdout
    assert "0.1/matmul" in _done(cli)


def test_restore_refuses_what_is_not_a_sound_learn_database(learn_home, curriculum, cli, tmp_path):
    cli("check", "0.1/pca")
    before = db_snapshot(learn_home)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    foreign = tmp_path / "photos.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    newer = Path(cli.json("data", "backup", str(tmp_path / "newer.db"))["file"])
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    damaged = Path(cli.json("data", "backup", str(tmp_path / "damaged.db"))["file"])
    with sqlite3.connect(damaged) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'progress'").fetchone()[0]
    data = bytearray(damaged.read_bytes())
    data[(root - 1) * 4096 : root * 4096] = b"\xde\xad" * 2048
    damaged.write_bytes(bytes(data))
    cases = {
        text: f"{text} is not a learn database (not an SQLite file); give a backup made by `learn data backup`",
        foreign: f"{foreign} is an SQLite file but not a learn database; give a backup made by `learn data backup`",
        newer: f"{newer} has schema version 99, newer than this learn understands ({db_engine.SCHEMA_VERSION}); upgrade learn "
        "(git pull && pip install -e .) before restoring it",
        tmp_path / "missing.db": f"no file {tmp_path / 'missing.db'}",
        tmp_path: f"{tmp_path} is not a file; give a backup file (learn-*.db)",
        learn_home / "learn.db": f"{learn_home / 'learn.db'} is the database itself; give a backup file",
    }
    for path, message in cases.items():
        result = cli("data", "restore", str(path))
        assert (result.exit_code, result.stderr) == (2, f"learn: {message}\n"), path
    result = cli("data", "restore", str(damaged))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"learn: {damaged} is damaged (") and result.stderr.endswith(
        "; choose an older backup\n"
    )
    assert db_snapshot(learn_home) == before
    assert [b.reason for b in backup.list_backups(learn_home / "backups")] == []  # nothing kept: nothing replaced


def test_restore_over_a_corrupt_database_moves_it_aside_untouched(learn_home, curriculum, cli):
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup")["file"]
    dispose_engines()
    junk = b"\x00garbage" * 1000
    (learn_home / "learn.db").write_bytes(junk)
    assert cli("status").exit_code == 2
    result = cli.json("data", "restore", saved)
    assert result["kept_damaged"] is True
    assert Path(result["kept"]).read_bytes() == junk  # kept as it was, for whoever wants to look
    assert "0.1/pca" in _done(cli)
    assert backup.latest_backup(learn_home / "learn.db") != Path(result["kept"])  # never offered as a restore


def test_restore_into_a_database_another_learn_has_open(learn_home, curriculum, cli):
    """The TUI stays open during a restore: it sees the restored data, and what it writes next lands
    in the restored database (a file swapped under it would swallow that write)."""
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup")["file"]
    cli("check", "0.1/matmul")
    env = learn_env(learn_home, curriculum)
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys\nfrom app.db.engine import get_engine\nfrom app.progress import set_status\nfrom sqlalchemy import text\n"
                "e = get_engine()\n"
                "def done():\n"
                "    with e.connect() as c:\n"
                "        r = sorted(c.execute(text(\"SELECT item_id FROM progress WHERE status = 'done'\")).scalars()); c.rollback()\n"
                "    return r\n"
                "print(done(), flush=True)\n"
                "sys.stdin.readline()\n"
                "print(done(), flush=True)\n"
                "set_status(e, ['0.2/linear'], 'done')\n"
                "print('wrote', flush=True)\n"
            ),
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert other.stdout.readline().strip() == "['0.1/matmul', '0.1/pca']"
    assert cli("data", "restore", saved).exit_code == 0
    out, _ = other.communicate("\n", timeout=60)
    assert out.splitlines() == ["['0.1/pca']", "wrote"]
    dispose_engines()
    assert sorted(
        r[0] for r in query(learn_home / "learn.db", "SELECT item_id FROM progress WHERE status = 'done'")
    ) == ["0.1/pca", "0.2/linear"]


def test_restore_of_an_older_schema_upgrades_it(learn_home, curriculum, cli, monkeypatch):
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup")["file"]
    monkeypatch.setattr(db_engine, "SCHEMA_VERSION", db_engine.SCHEMA_VERSION + 1)
    monkeypatch.setitem(
        db_engine.MIGRATIONS,
        db_engine.SCHEMA_VERSION - 1,
        lambda conn: conn.exec_driver_sql("ALTER TABLE progress ADD COLUMN note TEXT DEFAULT 'upgraded'"),
    )
    dispose_engines()
    result = cli("data", "restore", saved)
    assert result.exit_code == 0, result.stderr
    old, new = db_engine.SCHEMA_VERSION - 1, db_engine.SCHEMA_VERSION
    assert f"upgrading the database from schema v{old} to v{new}" in result.stderr
    assert query(learn_home / "learn.db", "SELECT item_id, note FROM progress") == [("0.1/pca", "upgraded")]
    assert query(learn_home / "learn.db", "PRAGMA user_version") == [(new,)]


def test_restore_onto_a_new_machine(learn_home, curriculum, cli, tmp_path, monkeypatch):
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup", str(tmp_path / "carried.db"))["file"]
    dispose_engines()
    monkeypatch.setenv("LEARN_HOME", str(tmp_path / "elsewhere"))
    result = cli.json("data", "restore", saved)
    assert result["kept"] is None and result["database"] == str(tmp_path / "elsewhere" / "learn.db")
    assert "0.1/pca" in _done(cli)
    assert list((tmp_path / "elsewhere").glob(".*partial")) == []
