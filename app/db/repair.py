"""`learn data repair`: remove what the app cannot use, after a backup of the database.

Rows commands cannot read (app/db/unreadable.py) are deleted, and triggers, views, indexes and
tables the app does not define (app/db/schema_objects.py) are dropped, in one write transaction. The
backup is taken first, so every removed row and object can still be looked at, or restored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine

from app.db.engine import write_connection
from app.db.schema_objects import foreign_objects
from app.db.unreadable import CHECKS, UnreadableRow, unreadable_rows


@dataclass
class Repaired:
    backup: Path | None  # None: there was nothing to repair, nothing was written
    rows: list[UnreadableRow] = field(default_factory=list)
    objects: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "backup": str(self.backup) if self.backup else None,
            "rows": [r.to_json() for r in self.rows],
            "objects": [{"type": kind, "name": name} for kind, name in self.objects],
        }


def _found(conn: Connection) -> tuple[list[UnreadableRow], list[tuple[str, str]]]:
    def execute(sql: str) -> list[tuple]:
        return [tuple(row) for row in conn.exec_driver_sql(sql)]

    tables = {name for (name,) in execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return unreadable_rows(execute, tables), foreign_objects(execute)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def repair_database(engine: Engine, db_path: Path) -> Repaired:
    from app.backup import backup_database

    with engine.connect() as conn:
        rows, objects = _found(conn)
        conn.rollback()
    if not rows and not objects:
        return Repaired(None)
    backup = backup_database(db_path, "before-repair")
    with write_connection(engine) as conn:
        rows, objects = _found(conn)  # again, under the write lock
        for kind, name in objects:  # triggers first: none of them runs on the deletes below
            if kind in ("trigger", "view", "index", "table"):  # IF EXISTS: a table's drop took its indexes
                conn.exec_driver_sql(f"DROP {kind.upper()} IF EXISTS {_quoted(name)}")
        for row in rows:
            key = CHECKS[row.table][0]
            conn.exec_driver_sql(f"DELETE FROM {row.table} WHERE {key} = ?", (row.key,))
    return Repaired(backup, rows, objects)
