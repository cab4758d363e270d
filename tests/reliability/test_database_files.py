"""A database file that is damaged, foreign or unreachable: one line that says what to do, exit 2, no
traceback, and the file left exactly as it was. (Newer schema versions: tests/test_store_safety.py.)"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from app.db.engine import dispose_engines
from tests.reliability.harness import FIXTURES, learn, learn_env


def _table_root_page(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]


def _overwrite_page(db: Path, page: int) -> None:
    data = bytearray(db.read_bytes())
    data[(page - 1) * 4096 : page * 4096] = b"\xde\xad" * 2048  # no valid page type: SQLite must notice
    db.write_bytes(bytes(data))


def _random_bytes(db: Path) -> None:
    db.write_bytes(bytes(random.Random(1).getrandbits(8) for _ in range(8192)))


def _truncate(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _short_junk(db: Path) -> None:
    db.write_bytes(b"not sqlite")


def _progress_page(db: Path) -> None:
    _overwrite_page(db, _table_root_page(db, "progress"))


def _reviews_page(db: Path) -> None:
    _overwrite_page(db, _table_root_page(db, "drill_review"))


def _header_only(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:100])


def _foreign_sqlite(db: Path) -> None:
    db.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, path TEXT)")


def _review_one_card() -> None:
    from datetime import UTC, datetime

    from fsrs import Card

    from app.db.engine import get_engine
    from app.drill.store import record_review

    record_review(get_engine(), "basics/pca", 3, datetime(2026, 1, 1, tzinfo=UTC), 900, Card(), Card())


# name: (damage, the command run, what the one line must say)
DAMAGES = {
    "random bytes": (
        _random_bytes,
        ["status"],
        "is not a learn database (corrupt?); restore the newest backup with `learn data restore ",
    ),
    "a page of progress overwritten": (
        _progress_page,
        ["status"],
        "is damaged (database disk image is malformed); restore the newest backup with `learn data restore ",
    ),
    "a page of progress, then a write": (
        _progress_page,
        ["check", "0.1/matmul"],
        "is damaged (database disk image is malformed); restore the newest backup",
    ),
    "a page of progress, then a backup": (
        _progress_page,
        ["data", "backup"],
        "is damaged (database disk image is malformed); restore the newest backup",
    ),
    "a page of reviews, read by drill": (
        _reviews_page,
        ["drill", "list"],
        "is damaged (database disk image is malformed); restore the newest backup",
    ),
    "truncated to a third": (
        _truncate,
        ["status"],
        "is damaged (database disk image is malformed); restore the newest backup",
    ),
    "ten bytes of junk": (_short_junk, ["status"], "is damaged (file is not a database); restore the newest backup"),
    "the header alone": (_header_only, ["status"], "restore the newest backup with `learn data restore "),
    "another program's SQLite file": (
        _foreign_sqlite,
        ["status"],
        "is an SQLite file but not a learn database; set LEARN_HOME to another folder",
    ),
}


@pytest.mark.parametrize("name", DAMAGES, ids=list(DAMAGES))
def test_a_damaged_database_is_one_line_and_left_as_it_was(name, learn_home, curriculum, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("LEARN_DRILLS", str(FIXTURES / "drills"))
    assert cli("check", "0.1/pca").exit_code == 0
    assert cli("drill", "list").exit_code == 0
    _review_one_card()
    backup = cli.json("data", "backup")["file"]
    dispose_engines()
    db = learn_home / "learn.db"
    damage, command, expected = DAMAGES[name]
    damage(db)
    before = db.read_bytes()
    backups_before = sorted(p.name for p in (learn_home / "backups").iterdir())
    result = cli(*command)
    assert result.exit_code == 2, result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("learn: ") and expected in lines[0], result.stderr
    if "restore the newest backup" in expected:
        assert f"`learn data restore {backup}`" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert db.read_bytes() == before  # nothing overwritten
    assert sorted(p.name for p in (learn_home / "backups").iterdir()) == backups_before  # no backup of the damage


def test_the_restore_the_message_names_brings_everything_back(learn_home, curriculum, cli):
    assert cli("check", "0.1/pca", "0.2/linear").exit_code == 0
    backup = cli.json("data", "backup")["file"]
    dispose_engines()
    _progress_page(learn_home / "learn.db")
    message = cli("status").stderr
    command = message.split("`")[1]
    assert command == f"learn data restore {backup}"
    assert cli(*command.split()[1:]).exit_code == 0
    done = {
        i["id"]
        for s in cli.json("show", "0.1")["sections"]
        for i in s["items"]
        for i in [i, *i["children"]]
        if i["status"] == "done"
    }
    assert "0.1/pca" in done


def test_a_folder_where_the_database_belongs(learn_home, curriculum, cli):
    (learn_home / "learn.db").mkdir(parents=True)
    result = cli("status")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"learn: {learn_home / 'learn.db'} is a folder, not a database; move it aside or set LEARN_HOME to another folder\n"
    )


def test_no_backup_yet_says_to_move_the_file_aside(learn_home, curriculum, cli):
    learn_home.mkdir(parents=True)
    (learn_home / "learn.db").write_bytes(b"\x00" * 4096)
    result = cli("status")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"learn: {learn_home / 'learn.db'} is not a learn database (corrupt?); move the file aside to start fresh (no backup found in "
    )


def _read_only_runner(home: Path):
    """Run `learn` with `home` read-only: chmod for a normal user; a read-only bind mount in a private
    mount namespace for root (who ignores permissions); None where neither is possible."""
    if os.geteuid() != 0:

        def run(*args, env):
            mode = home.stat().st_mode
            home.chmod(0o555)
            try:
                return learn(*args, env=env)
            finally:
                home.chmod(mode)

        return run
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode:
        return None

    def run_as_root(*args, env):
        import shlex
        import sys

        quoted = shlex.quote(str(home))
        command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "app.cli.main", *args])
        script = f"mount --bind {quoted} {quoted} && mount -o remount,ro,bind {quoted} && exec {command}"
        return subprocess.run(
            ["unshare", "-m", "sh", "-c", script],
            cwd=Path(__file__).parents[2],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run_as_root


def test_a_read_only_home_is_one_line_and_changes_nothing(tmp_path):
    home = tmp_path / "home"
    env = learn_env(home, FIXTURES / "curriculum", LEARN_DRILLS=str(FIXTURES / "drills"))
    assert learn("check", "0.1/pca", env=env).returncode == 0
    run = _read_only_runner(home)
    if run is None:
        pytest.skip("cannot make a folder read-only here")
    before = {p.name: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    for command in (["status"], ["check", "0.1/matmul"], ["data", "backup"]):
        result = run(*command, env=env)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr == (
            f"learn: cannot write {home / 'learn.db'}: unable to open database file; "
            "set LEARN_HOME to a writable folder\n"
        )
    assert {p.name: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before
    doctor = run("doctor", "--json", env=env)
    assert doctor.returncode == 1
    failed = {c["name"]: c["fix"] for c in json.loads(doctor.stdout)["checks"] if c["status"] == "error"}
    assert failed == {
        "home": "set LEARN_HOME to a writable folder (the database and its backups live there)",
        "database": "set LEARN_HOME to a writable folder",
    }
