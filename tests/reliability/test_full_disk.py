"""A full disk is a disk problem, never data loss (issue 18).

LEARN_HOME sits on a small tmpfs that is filled up: writes fail with one line that says the disk is
full, `learn doctor` says "disk full" (not "damaged", no restore advised), `learn data restore` refuses
before it moves anything, and once space is freed every row written before is there. Mounting needs
root (or CAP_SYS_ADMIN): elsewhere these tests skip, saying so.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.harness import FIXTURES, integrity, learn, learn_env, query

DISK_BYTES = 8 * 2**20


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'not root'}): the full-disk tests need one"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill the disk, leaving about `leave` bytes free."""
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free - leave
    with filler.open("wb") as fh:
        try:
            while free > 0:
                chunk = min(free, 2**20)
                fh.write(b"\0" * chunk)
                fh.flush()
                free -= chunk
        except OSError:
            pass  # ENOSPC: full
    return filler


@pytest.fixture
def env(small_disk: Path, tmp_path: Path) -> dict[str, str]:
    curriculum = tmp_path / "curriculum"
    shutil.copytree(FIXTURES / "curriculum", curriculum)
    return learn_env(
        small_disk / "home",
        curriculum,
        LEARN_DRILLS=str(FIXTURES / "drills"),
        LEARN_WORKSPACE=str(tmp_path / "workspace"),
    )


def _one_line(result: subprocess.CompletedProcess, *words: str) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, (result.returncode, result.stderr)
    assert all(w in lines[0] for w in words) and "damaged" not in lines[0].replace("not damaged", ""), lines[0]
    return lines[0]


def _doctor_says_disk_full(env: dict[str, str]) -> None:
    doctor = learn("doctor", "--json", env=env)
    assert doctor.returncode == 1
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["disk"]["status"] == "error" and checks["disk"]["summary"].startswith("disk full: free space")
    assert checks.get("integrity", {"status": "ok"})["status"] == "ok", checks  # never called damaged
    failed = [c for c in checks.values() if c["status"] == "error"]
    assert all("learn data restore" not in (c["fix"] or "") and "disk" in c["summary"] for c in failed), failed


def test_writes_that_fill_the_disk_fail_with_one_line_and_lose_nothing(env, small_disk):
    home = small_disk / "home"
    assert learn("check", "0.1/pca", env=env).returncode == 0
    filler = _fill(small_disk, leave=400 * 1024)
    written, failure = 0, None
    for n in range(200):
        result = learn("log", "add", "-m", f"entry {n} " + base64.b64encode(os.urandom(6000)).decode(), env=env)
        if result.returncode != 0:
            failure = result
            break
        written += 1
    assert failure is not None, "the disk never filled"
    _one_line(failure, "disk full: free space on the disk of", "free some space and try again")

    _doctor_says_disk_full(env)

    filler.unlink()
    assert integrity(home / "learn.db") == "ok"
    assert query(home / "learn.db", "SELECT COUNT(*) FROM log_entry") == [(written,)]
    assert query(home / "learn.db", "SELECT status FROM progress WHERE item_id = '0.1/pca'") == [("done",)]
    assert learn("doctor", env=env).returncode == 0


def test_a_full_disk_is_not_damage_and_a_restore_moves_nothing(env, small_disk):
    home = small_disk / "home"
    assert learn("check", "0.1/pca", env=env).returncode == 0
    backup = learn("data", "backup", "--json", env=env)
    backup = json.loads(backup.stdout)["file"]
    # As after the last learn closed: no -wal or -shm, which a reader must now make on the full disk.
    query(home / "learn.db", "PRAGMA wal_checkpoint(TRUNCATE)")
    (home / "learn.db-shm").unlink(missing_ok=True)
    (home / "learn.db-wal").unlink(missing_ok=True)
    before = (home / "learn.db").read_bytes()
    filler = _fill(small_disk)

    _doctor_says_disk_full(env)

    _one_line(learn("status", env=env), "disk full")
    _one_line(learn("check", "0.1/matmul", env=env), "disk full")
    _one_line(learn("data", "restore", backup, env=env), "disk full", "nothing was replaced")
    assert (home / "learn.db").read_bytes() == before  # not moved aside, not touched
    assert not list((home / "backups").glob("*-damaged.db"))

    filler.unlink()
    status = learn("status", env=env)
    assert status.returncode == 0 and "started a new, empty database" not in status.stderr
    assert query(home / "learn.db", "SELECT status FROM progress WHERE item_id = '0.1/pca'") == [("done",)]


def test_a_new_empty_database_beside_backups_is_said(env, small_disk):
    home = small_disk / "home"
    assert learn("check", "0.1/pca", env=env).returncode == 0
    assert learn("data", "backup", env=env).returncode == 0
    moved = home / "backups" / "learn-20260101T000000Z-damaged.db"  # as an older learn moved a database aside
    os.replace(home / "learn.db", moved)
    for side in ("learn.db-wal", "learn.db-shm"):
        (home / side).unlink(missing_ok=True)
    doctor = json.loads(learn("doctor", "--json", env=env).stdout)
    database = next(c for c in doctor["checks"] if c["name"] == "database")
    assert database["status"] == "warning" and "-manual.db" in database["fix"]  # doctor points to the way back too
    first = learn("status", env=env)
    assert first.returncode == 0
    notice = [line for line in first.stderr.splitlines() if "started a new, empty database" in line]
    assert len(notice) == 1 and "learn data restore" in notice[0] and "-manual.db" in notice[0], first.stderr
    assert learn("status", env=env).stderr == ""  # said once, when it was made
