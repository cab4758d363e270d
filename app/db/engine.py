"""The SQLite engine: pragmas, IMMEDIATE write transactions, schema version, migrations, backups."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DatabaseError, OperationalError

from app import locations
from app.errors import LearnError

SCHEMA_VERSION = 3

# MIGRATIONS[v] upgrades a database at schema version v to v + 1, inside one write transaction.
Migration = Callable[[Connection], None]


def _v1_to_v2(conn: Connection) -> None:
    from app.db.journal_index import migrate_v1_to_v2

    migrate_v1_to_v2(conn)


def _v2_to_v3(conn: Connection) -> None:
    from app.notes.migration import add_note_table

    add_note_table(conn)


MIGRATIONS: dict[int, Migration] = {
    1: _v1_to_v2,  # v2: the journal's FTS5 index and triggers
    2: _v2_to_v3,  # v3: the learner's own notes (app/notes)
}

BUSY_TIMEOUT_MS = 15_000
_engines: dict[Path, Engine] = {}


def _notice(message: str) -> None:
    from app import notices

    notices.say(message)


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

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        # A damaged page, a full disk or a read-only folder can surface in any query of any command:
        # here they become one line that says what to do, instead of a traceback.
        problem = storage_problem(Path(engine.url.database or ""), context.original_exception)
        if problem is not None:
            raise problem from None


_DAMAGED = ("database disk image is malformed", "file is not a database", "file is encrypted or is not a database")
_READ_ONLY = ("attempt to write a readonly database", "unable to open database file", "readonly database")


def storage_problem(path: Path, exc: BaseException) -> LearnError | None:
    """The learner-facing error for an SQLite failure of the file itself (None for a query's own error)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    reason = str(exc)
    from app.db.disk_space import disk_fix, disk_problem

    if (disk := disk_problem(path, exc)) is not None:  # before damage: a full disk must not read as one
        return LearnError(f"cannot use {path}: {disk}; {disk_fix(disk)}")
    if any(text in reason for text in _DAMAGED):
        from app.backup import restore_hint

        return LearnError(f"{path} is damaged ({reason}); {restore_hint(path)}")
    if any(text in reason for text in _READ_ONLY):
        return LearnError(f"cannot write {path}: {reason}; set LEARN_HOME to a writable folder")
    if "database is locked" in reason:
        return LearnError(
            f"{path} stayed locked by another program for over {BUSY_TIMEOUT_MS // 1000} s; close it and try again"
        )
    return None


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise LearnError(f"{path} is a folder, not a database; move it aside or set LEARN_HOME to another folder")
    if path.exists() and path.stat().st_size >= 16:
        with path.open("rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                from app.backup import restore_hint

                raise LearnError(f"{path} is not a learn database (corrupt?); {restore_hint(path)}")
        _check_not_foreign(path)


def _check_not_foreign(path: Path) -> None:
    """Refuse another program's SQLite file before our connect hook switches it to WAL (which
    rewrites its header): look first, through a read-only connection."""
    from contextlib import closing

    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").fetchone()
    except sqlite3.Error:
        return  # damaged or unreadable: opening it for real says so, with the fix
    if version == 0 and tables:
        raise LearnError(f"{path} is an SQLite file but not a learn database; set LEARN_HOME to another folder")


def get_engine(path: Path | None = None, *, notice: Callable[[str], None] = _notice) -> Engine:
    """The engine for the database at `path` (default: LEARN_HOME/learn.db), created and migrated."""
    path = (path or locations.database_path()).resolve()
    if path in _engines:
        return _engines[path]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LearnError(f"cannot create {path.parent}: {exc.strerror}; set LEARN_HOME to a writable folder") from None
    from app.backup import keep_count

    keep_count()  # a bad LEARN_KEEP_BACKUPS is refused by every command, not only by a day's first
    _check_file(path)
    existed = path.exists() and path.stat().st_size > 0
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
        from app.backup import restore_hint

        raise LearnError(f"{path} is damaged ({exc.orig}); {restore_hint(path)}") from None
    except LearnError:
        engine.dispose()
        raise
    if existed:
        _daily_backup(path, notice)
    else:
        _say_if_backups_exist(path, notice)
    _engines[path] = engine
    return engine


def _daily_backup(path: Path, notice: Callable[[str], None]) -> None:
    """The first command of the day copies the database aside (app/backup.py). A failure does not stop
    the learner's command: an unwritable folder is a notice; a damaged database is skipped silently (the
    command says so if it touches the damage, `learn doctor` always does), and no new backup of it
    pushes the older, sound ones out."""
    from app import backup

    try:
        backup.daily_backup(path)
    except sqlite3.DatabaseError as exc:
        if not any(text in str(exc) for text in _DAMAGED):
            notice(f"learn: no daily backup written to {backup.backups_dir(path)}: {exc}")
    except OSError as exc:
        notice(f"learn: no daily backup written to {backup.backups_dir(path)}: {exc.strerror or exc}")


def _say_if_backups_exist(path: Path, notice: Callable[[str], None]) -> None:
    """A new, empty database where backups (or a database moved aside) exist is said, with the way back:
    after a database was moved away, a learner must not go on in an empty one without knowing."""
    from app import backup

    found = backup.list_backups(backup.backups_dir(path))
    if not found:
        return
    newest = found[0]
    restorable = next((b for b in found if b.reason != "damaged"), None)
    line = (
        f"learn: started a new, empty database at {path}, but {backup.backups_dir(path)} holds {len(found)} "
        f"earlier one(s), the newest {newest.path.name}"
    )
    if newest.reason == "damaged":
        line += " (a database moved aside as damaged)"
    if restorable is not None:
        line += f"; `learn data restore {restorable.path}` brings back your data"
    notice(line)


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


def create_schema(conn: Connection) -> None:
    """Every table, index and trigger of the current schema, in an empty database."""
    from sqlmodel import SQLModel

    from app.db import models  # noqa: F401 - registers the tables on SQLModel.metadata
    from app.db.journal_index import create_journal_index
    from app.notes.search_index import create_notes_index

    SQLModel.metadata.create_all(conn)
    create_journal_index(conn)
    create_notes_index(conn)


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
            create_schema(conn)
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    from app.backup import backup_database

    backup = backup_database(path, f"before-v{SCHEMA_VERSION}")
    notice(f"upgrading the database from schema v{version} to v{SCHEMA_VERSION}; a copy is at {backup}")
    with write_connection(engine) as conn:
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](conn)
        SQLModel.metadata.create_all(conn)  # tables that are new in this version
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
