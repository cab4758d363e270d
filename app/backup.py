"""Backups of the database: consistent copies made by SQLite itself, the last N kept, and restore.

A live WAL database is never copied as a file (the newest commits may still sit in learn.db-wal):
copies are made with `VACUUM INTO` (a compact, consistent snapshot taken inside a read transaction)
and restores go through SQLite's backup API, which writes the pages under the database's own lock,
so another open `learn` (the TUI) sees the restored data instead of writing into a replaced file.

Automatic copies go to LEARN_HOME/backups as `learn-<UTC time>-<reason>.db`: before every schema
migration, and once a day (the first command of a local calendar day that opens an existing
database). The newest LEARN_KEEP_BACKUPS of them are kept (default 10); `learn data backup` and the
copy `learn data restore` keeps of what it replaces count among them.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.errors import LearnError

KEEP_ENV = "LEARN_KEEP_BACKUPS"
DEFAULT_KEEP = 10
SQLITE_HEADER = b"SQLite format 3\x00"
LEARNER_TABLES = ("progress", "drill_review", "verify_attempt", "log_entry", "note")  # counted in reports
_NAME = re.compile(r"^learn-(?P<stamp>\d{8}T\d{6}\d{0,6}Z)-(?P<reason>[a-z0-9.-]+)\.db$")
_STAMP = "%Y%m%dT%H%M%S%fZ"
STALE_CLAIM_S = 600  # a claim file older than this was left by a killed process


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    reason: str  # daily, before-v2, manual, before-restore, damaged
    size: int

    def to_json(self) -> dict:
        return {
            "path": str(self.path),
            "taken_at": self.taken_at.isoformat().replace("+00:00", "Z"),
            "reason": self.reason,
            "bytes": self.size,
        }


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def keep_count() -> int:
    """How many automatic backups to keep: $LEARN_KEEP_BACKUPS (a whole number >= 1), else 10."""
    raw = os.environ.get(KEEP_ENV, "").strip()
    if not raw:
        return DEFAULT_KEEP
    if not raw.isdigit() or int(raw) < 1:
        raise LearnError(
            f"{KEEP_ENV}={raw!r} is not a whole number >= 1; set it to how many backups to keep (default {DEFAULT_KEEP})"
        )
    return int(raw)


def list_backups(folder: Path) -> list[Backup]:
    """The backups of `folder`, newest first (files named by this module only)."""
    found = []
    for path in folder.glob("learn-*.db") if folder.is_dir() else []:
        match = _NAME.match(path.name)
        if not match:
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue  # pruned meanwhile by another process
        stamp = match["stamp"]
        taken = datetime.strptime(stamp[:15], "%Y%m%dT%H%M%S").replace(
            microsecond=int(stamp[15:-1].ljust(6, "0")), tzinfo=UTC
        )
        found.append(Backup(path, taken, match["reason"], size))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def latest_backup(db_path: Path) -> Path | None:
    """The newest backup that can be restored (not a damaged database moved aside)."""
    return next((b.path for b in list_backups(backups_dir(db_path)) if b.reason != "damaged"), None)


def restore_hint(db_path: Path) -> str:
    """What to tell a learner whose database is damaged: the exact command, when a backup exists."""
    latest = latest_backup(db_path)
    if latest is not None:
        return f"restore the newest backup with `learn data restore {latest}`, or move the file aside to start fresh"
    return f"move the file aside to start fresh (no backup found in {backups_dir(db_path)})"


def timestamp(now: datetime | None = None) -> str:
    """UTC, to the microsecond: backup names sort in the order they were taken."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(_STAMP)


def _connect_read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 15000")
    return conn


def vacuum_into(source: Path, target: Path) -> None:
    """A consistent, compact copy of the database at `source` written to `target` (absent or empty)."""
    with closing(_connect_read_only(source)) as conn:
        conn.execute("VACUUM INTO ?", (str(target),))


@contextmanager
def _claimed(target: Path) -> Iterator[Path]:
    """An empty hidden file beside `target`, made exclusively (a second writer of the same name gets
    FileExistsError), renamed to `target` when the body succeeds, removed when it fails."""
    claim = target.with_name(f".{target.name}.partial")
    fd = os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.close(fd)
    try:
        yield claim
        os.replace(claim, target)  # a killed copy never looks like a backup
    except BaseException:
        claim.unlink(missing_ok=True)
        raise


def backup_database(
    db_path: Path, reason: str, *, target: Path | None = None, prune: bool = True, now: datetime | None = None
) -> Path:
    """Copy the database at `db_path` to `target` (default: its backups folder, then pruned)."""
    keep = keep_count()  # a bad setting is refused before anything is written
    if target is None:
        folder = backups_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"learn-{timestamp(now)}-{reason}.db"
    with _claimed(target) as partial:
        vacuum_into(db_path, partial)
    if prune and target.parent == backups_dir(db_path):
        prune_backups(target.parent, keep)
    return target


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups (and partial copies left by killed processes)."""
    removed = []
    for backup in list_backups(folder)[keep:]:
        for path in (backup.path, backup.path.with_name(backup.path.name + "-wal")):
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass  # another process pruned it first
    for partial in [*folder.glob(".learn-*.partial"), *folder.glob(".daily-*.claim")]:
        try:
            if time.time() - partial.stat().st_mtime > STALE_CLAIM_S:
                partial.unlink()
        except FileNotFoundError:
            pass
    return removed


def daily_backup(db_path: Path, now: datetime | None = None) -> Path | None:
    """Back up the database unless a backup was taken today (local calendar day); the new path or None."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    today = now.astimezone().date()
    folder = backups_dir(db_path)

    def taken_today() -> bool:
        return any(b.taken_at.astimezone().date() == today for b in list_backups(folder))

    if taken_today():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    # One claim file per day, so that eight commands started at once make one copy, not eight.
    claim = folder / f".daily-{today.isoformat()}.claim"
    try:
        if time.time() - claim.stat().st_mtime > STALE_CLAIM_S:
            claim.unlink(missing_ok=True)  # left by a process killed mid-copy
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(claim, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return None
    try:
        return None if taken_today() else backup_database(db_path, "daily", now=now)
    finally:
        claim.unlink(missing_ok=True)


# -- what a file holds, before it is restored --------------------------------------------------------


@dataclass
class DatabaseInfo:
    path: Path
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)  # rows of the learner's tables


def inspect_database(path: Path) -> DatabaseInfo:
    """Check that `path` is a sound learn database this version can open; LearnError saying why not."""
    from app.db.engine import SCHEMA_VERSION

    if not path.exists():
        raise LearnError(f"no file {path}")
    if not path.is_file():
        raise LearnError(f"{path} is not a file; give a backup file (learn-*.db)")
    with path.open("rb") as fh:
        if fh.read(16) != SQLITE_HEADER:
            raise LearnError(
                f"{path} is not a learn database (not an SQLite file); give a backup made by `learn data backup`"
            )
    try:
        with closing(_connect_read_only(path)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version > SCHEMA_VERSION:
                raise LearnError(
                    f"{path} has schema version {version}, newer than this learn understands ({SCHEMA_VERSION}); "
                    "upgrade learn (git pull && pip install -e .) before restoring it"
                )
            if version < 1 or not {"progress", "meta"} <= tables:
                raise LearnError(
                    f"{path} is an SQLite file but not a learn database; give a backup made by `learn data backup`"
                )
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise LearnError(f"{path} is damaged ({check}); choose an older backup")
            from app.db.schema_objects import describe, foreign_objects

            if foreign := foreign_objects(conn.execute):
                raise LearnError(
                    f"{path} holds {describe(foreign)}, not made by learn (a trigger would run on every "
                    "write); give a backup made by `learn data backup`"
                )
            counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in LEARNER_TABLES if t in tables}
    except sqlite3.DatabaseError as exc:
        from app.db.disk_space import disk_fix, disk_problem

        if (problem := disk_problem(path, exc)) is not None:
            raise LearnError(f"cannot read {path}: {problem}; {disk_fix(problem)}") from None
        raise LearnError(f"{path} is damaged ({exc}); choose an older backup") from None
    return DatabaseInfo(path, version, counts)


@dataclass
class Restored:
    source: Path
    database: Path
    kept: Path | None  # the copy of the database it replaced (None: there was none)
    kept_damaged: bool  # the replaced database could not be read: moved aside as it was
    info: DatabaseInfo


def _move_aside(db_path: Path) -> Path:
    """Move a database SQLite cannot read (and its WAL) into the backups folder, untouched."""
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"learn-{timestamp()}-damaged.db"
    os.replace(db_path, target)
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            if suffix == "-wal":
                os.replace(side, target.with_name(target.name + "-wal"))
            else:
                side.unlink()  # the shared-memory index is rebuilt from the WAL
    return target


def _move_back(moved: Path, db_path: Path) -> None:
    os.replace(moved, db_path)
    wal = moved.with_name(moved.name + "-wal")
    if wal.exists():
        os.replace(wal, db_path.with_name(db_path.name + "-wal"))


def _raise_if_disk(exc: BaseException, db_path: Path) -> None:
    import errno

    from app.db.disk_space import disk_fix, disk_problem

    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:  # from a file operation
        exc = sqlite3.OperationalError("database or disk is full")
    if (problem := disk_problem(db_path, exc)) is not None:
        raise LearnError(
            f"cannot restore into {db_path}: {problem}; {disk_fix(problem)} (nothing was replaced)"
        ) from None


def _check_room(source: Path, db_path: Path) -> None:
    """Refuse before anything is moved or written when the disk cannot take the restored database and the
    copy of the one it replaces."""
    from app.db.disk_space import MIN_FREE_BYTES, free_bytes, size_text

    free = free_bytes(db_path)
    current = db_path.stat().st_size if db_path.is_file() else 0
    needed = source.stat().st_size + current + MIN_FREE_BYTES
    if free is not None and free < needed:
        raise LearnError(
            f"cannot restore into {db_path}: disk full: free space on the disk of {db_path.parent} "
            f"({size_text(free)} left, {size_text(needed)} needed); nothing was replaced"
        )


def _readable(db_path: Path) -> bool:
    with db_path.open("rb") as fh:
        return fh.read(16) == SQLITE_HEADER


def restore_database(source: Path, db_path: Path) -> Restored:
    """Replace the database at `db_path` with the backup at `source`, keeping a copy of the old one.

    The replaced database is copied (VACUUM INTO) to the backups folder first; one SQLite cannot read
    is moved there as it is. Then the backup's pages are written into the live database with the
    backup API, under its write lock. A failure before that point changes nothing.
    """
    from app.db.engine import BUSY_TIMEOUT_MS, dispose_engines

    keep = keep_count()
    info = inspect_database(source)
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise LearnError(f"{source} is the database itself; give a backup file")
    dispose_engines()  # this process's own connections must not hold a read lock
    _check_room(source, db_path)
    kept, damaged = None, False
    if db_path.exists() and db_path.stat().st_size > 0:
        try:
            if not _readable(db_path):
                raise sqlite3.DatabaseError("not an SQLite file")
            kept = backup_database(db_path, "before-restore", prune=False)
        except sqlite3.DatabaseError as exc:
            _raise_if_disk(exc, db_path)  # a full disk is not damage: the database stays where it is
            kept, damaged = _move_aside(db_path), True
    try:
        if db_path.exists():
            with (
                closing(_connect_read_only(source)) as src,
                closing(sqlite3.connect(db_path, isolation_level=None)) as dst,
            ):
                dst.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                src.backup(dst)
        else:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            with _claimed(db_path) as partial:
                vacuum_into(source, partial)
    except (sqlite3.Error, OSError) as exc:
        if damaged and kept is not None and not db_path.exists():
            _move_back(kept, db_path)  # never leave no database where there was one
        _raise_if_disk(exc, db_path)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LearnError(
            f"cannot restore into {db_path}: {reason}; close other `learn` windows and try again"
        ) from None
    prune_backups(backups_dir(db_path), keep)
    return Restored(source, db_path, kept, damaged, info)
