"""The SQLite engine: pragmas, IMMEDIATE write transactions, schema version, migrations, backups."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError

from app import locations
from app.errors import LearnError

SCHEMA_VERSION = 1

# MIGRATIONS[v] upgrades a database at schema version v to v + 1, inside one write transaction.
Migration = Callable[[Connection], None]
MIGRATIONS: dict[int, Migration] = {}

BUSY_TIMEOUT_MS = 15_000
_engines: dict[Path, Engine] = {}


def _notice(message: str) -> None:
    print(message, file=sys.stderr)


def _configure(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the lock up front, so two processes queue on busy_timeout instead of
        # failing with "database is locked" when a read transaction tries to upgrade.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def _check_file(path: Path) -> None:
    if path.exists() and path.stat().st_size >= 16:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise LearnError(
                    f"{path} is not a learn database (corrupt?); restore a backup from {path.parent / 'backups'} "
                    "or move the file aside to start fresh"
                )


def get_engine(path: Path | None = None, *, notice: Callable[[str], None] = _notice) -> Engine:
    """The engine for the database at `path` (default: LEARN_HOME/learn.db), created and migrated."""
    path = (path or locations.database_path()).resolve()
    if path in _engines:
        return _engines[path]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LearnError(f"cannot create {path.parent}: {exc.strerror}; set LEARN_HOME to a writable folder") from None
    _check_file(path)
    engine = create_engine(f"sqlite:///{path}")
    _configure(engine)
    try:
        _ensure_schema(engine, path, notice)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig)
        if "readonly" in reason or "unable to open" in reason:
            reason += "; set LEARN_HOME to a writable folder"
        raise LearnError(f"cannot open {path}: {reason}") from None
    except DatabaseError as exc:
        engine.dispose()
        raise LearnError(
            f"{path} is damaged ({exc.orig}); restore a backup from {path.parent / 'backups'} or move it aside"
        ) from None
    _engines[path] = engine
    return engine


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


@contextmanager
def write_connection(engine: Engine) -> Iterator[Connection]:
    """A connection in a BEGIN IMMEDIATE transaction, committed on success, rolled back on error."""
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with conn.begin():
                yield conn
        finally:
            conn.info.pop("write", None)


def backup_database(engine: Engine, reason: str) -> Path:
    """A consistent copy of the live database (VACUUM INTO, safe under WAL) in LEARN_HOME/backups."""
    db_path = Path(engine.url.database or "")
    folder = db_path.parent / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.db"
    raw = engine.raw_connection()  # VACUUM cannot run inside the transaction SQLAlchemy would begin
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(target),))
    finally:
        raw.close()
    return target


def _ensure_schema(engine: Engine, path: Path, notice: Callable[[str], None]) -> None:
    with engine.connect() as conn:
        version = conn.exec_driver_sql("PRAGMA user_version").scalar() or 0
        tables = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        conn.rollback()
    if version == SCHEMA_VERSION:
        return
    from sqlmodel import SQLModel

    from app.db import models  # noqa: F401 - registers the tables on SQLModel.metadata

    if version > SCHEMA_VERSION:
        raise LearnError(
            f"{path} has schema version {version}, newer than this learn understands ({SCHEMA_VERSION}); "
            "upgrade learn (git pull && pip install -e .)"
        )
    if version == 0:
        if tables:
            raise LearnError(f"{path} is an SQLite file but not a learn database; set LEARN_HOME to another folder")
        with write_connection(engine) as conn:
            SQLModel.metadata.create_all(conn)
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    backup = backup_database(engine, f"before-v{SCHEMA_VERSION}")
    notice(f"upgrading the database from schema v{version} to v{SCHEMA_VERSION}; a copy is at {backup}")
    with write_connection(engine) as conn:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
        SQLModel.metadata.create_all(conn)  # tables that are new in this version
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
