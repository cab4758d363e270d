"""The journal's full-text index (SQLite FTS5) and the triggers that keep it in step: part of the
schema since version 2, made with the other tables and by the v1 -> v2 migration.

SQLModel cannot declare a virtual table, so this is raw SQL. The index is a plain FTS5 table holding
its own copy of the text, keyed by `entry_id`. The insert trigger first drops any row with the same
id: `learn data import` writes with INSERT OR REPLACE, and SQLite fires no delete trigger for the
row REPLACE removes (unless recursive_triggers is on), so an external-content index would silently
go stale there.
"""

from __future__ import annotations

from sqlalchemy import Connection

INDEX = "log_entry_fts"
INDEXED_COLUMNS = ("module_id", "module_title", "progress", "insight", "challenge", "next_steps", "body")
_COLUMNS = ", ".join(INDEXED_COLUMNS)
_NEW = ", ".join("new." + c for c in INDEXED_COLUMNS)

STATEMENTS = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX} USING fts5(entry_id UNINDEXED, {_COLUMNS}, tokenize = 'porter unicode61')",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_insert AFTER INSERT ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = new.id;
        INSERT INTO {INDEX} (entry_id, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_update AFTER UPDATE ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = old.id;
        INSERT INTO {INDEX} (entry_id, {_COLUMNS}) VALUES (new.id, {_NEW});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_delete AFTER DELETE ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = old.id;
    END""",
]
TRIGGERS = (f"{INDEX}_insert", f"{INDEX}_update", f"{INDEX}_delete")


def create_journal_index(conn: Connection) -> None:
    """Make the index and its triggers where they are missing; a new index is filled from the entries
    already there (a v1 database where `learn log` was never used has none, one where it was has it)."""
    had_index = (
        conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (INDEX,)).first()
        is not None
    )
    for statement in STATEMENTS:
        conn.exec_driver_sql(statement)
    if not had_index:
        conn.exec_driver_sql(f"INSERT INTO {INDEX} (entry_id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM log_entry")


def migrate_v1_to_v2(conn: Connection) -> None:
    """Schema v2: the journal index and its triggers, made here instead of lazily by the journal's code."""
    from app.db.models import LogEntryRow

    LogEntryRow.__table__.create(conn, checkfirst=True)
    create_journal_index(conn)
