"""A full disk or a failing one is not a damaged database: telling them apart.

SQLite reports a full disk as SQLITE_FULL ("database or disk is full"), but where it cannot even make
the shared-memory file that a WAL database needs to be read, it says SQLITE_IOERR ("disk I/O error").
Neither means the file is damaged, and the fix is never a restore (which needs more space still):
it is to free space. These functions say which it is, with the free space of the disk.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

MIN_FREE_BYTES = 2 * 2**20  # below this a WAL database cannot be relied on to open: its -shm and -wal need room


def free_bytes(path: Path) -> int | None:
    """Free bytes on the disk holding `path` (its nearest existing folder); None where it cannot be told."""
    for folder in (path, *path.parents):
        if folder.exists():
            try:
                return shutil.disk_usage(folder).free
            except OSError:
                return None
    return None


def size_text(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def is_disk_error(exc: BaseException) -> bool:
    """SQLITE_FULL or SQLITE_IOERR (any extended code), by code where Python gives it, else by message."""
    if not isinstance(exc, sqlite3.Error):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or any(
        text in str(exc) for text in ("database or disk is full", "disk I/O error")
    )


def disk_is_full(path: Path) -> bool:
    free = free_bytes(path)
    return free is not None and free < MIN_FREE_BYTES


def full_disk_message(path: Path) -> str:
    free = free_bytes(path)
    left = f"{size_text(free)} left" if free is not None else "free space unknown"
    return f"disk full: free space on the disk of {path.parent} ({left}); the database is not damaged"


def disk_problem(path: Path, exc: BaseException) -> str | None:
    """The learner-facing reason when `exc` is a disk problem, not damage (None: it is not one)."""
    if not is_disk_error(exc):
        return None
    if "database or disk is full" in str(exc) or disk_is_full(path):
        return full_disk_message(path)
    free = free_bytes(path)
    space = f"{size_text(free)} free" if free is not None else "free space unknown"
    return f"disk I/O error ({space}): a disk problem, not damage to the database"


def disk_fix(problem: str) -> str:
    """What to do about a `disk_problem`."""
    return (
        "free some space and try again"
        if problem.startswith("disk full")
        else "check the disk, then run `learn doctor`"
    )
