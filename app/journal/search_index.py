"""The full-text index over log entries (SQLite FTS5), kept in sync by triggers, and search.

SQLModel cannot declare a virtual table, so `ensure_journal_schema` makes it with raw SQL, once per
engine, before the journal is first used; every statement is idempotent. The index is a plain FTS5
table holding its own copy of the text, keyed by `entry_id`. The insert trigger first drops any row
with the same id: `learn data import` writes with INSERT OR REPLACE, and SQLite fires no delete
trigger for the row REPLACE removes (unless recursive_triggers is on), so an external-content index
would silently go stale there.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from app.db.engine import write_connection
from app.errors import LearnError

INDEX = "log_entry_fts"
INDEXED_COLUMNS = ("module_id", "module_title", "progress", "insight", "challenge", "next_steps", "body")
_COLUMNS = ", ".join(INDEXED_COLUMNS)

_CREATE = [
    (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX} USING fts5(entry_id UNINDEXED, {_COLUMNS}, "
        "tokenize = 'porter unicode61')"
    ),
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_insert AFTER INSERT ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = new.id;
        INSERT INTO {INDEX} (entry_id, {_COLUMNS}) VALUES (new.id, {', '.join('new.' + c for c in INDEXED_COLUMNS)});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_update AFTER UPDATE ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = old.id;
        INSERT INTO {INDEX} (entry_id, {_COLUMNS}) VALUES (new.id, {', '.join('new.' + c for c in INDEXED_COLUMNS)});
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_delete AFTER DELETE ON log_entry BEGIN
        DELETE FROM {INDEX} WHERE entry_id = old.id;
    END""",
]
_TRIGGERS = {f"{INDEX}_insert", f"{INDEX}_update", f"{INDEX}_delete"}

_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_journal_schema(engine: Engine) -> None:
    """Make the log table (if this database predates it), the index and its triggers; once per engine.

    A new index is filled from the entries already there (say, imported before it existed)."""
    if engine in _ready:
        return
    with engine.connect() as conn:
        present = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        conn.rollback()
    if not {"log_entry", INDEX} | _TRIGGERS <= present:
        with write_connection(engine) as conn:
            if "log_entry" not in present:
                from app.db.models import LogEntryRow

                LogEntryRow.__table__.create(conn, checkfirst=True)
            for statement in _CREATE:
                conn.exec_driver_sql(statement)
            if INDEX not in present:
                conn.exec_driver_sql(
                    f"INSERT INTO {INDEX} (entry_id, {_COLUMNS}) SELECT id, {_COLUMNS} FROM log_entry"
                )
    _ready.add(engine)


@dataclass(frozen=True)
class SearchHit:
    entry_id: str
    snippet: str  # the best-matching field, matches marked with `HIT_START` / `HIT_END`
    rank: float  # bm25: lower is better


HIT_START, HIT_END = "\x02", "\x03"  # control characters cannot occur in typed text
_SNIPPET_TOKENS = 12
# A query FTS5 cannot read (`kv-cache` reads as a column filter, `0.5` and `c++` as bad syntax) gets
# one more try, quoted word by word, so it searches as the learner means it.
_PLAIN_WORD = re.compile(r"[^\s\"]+")
_FIELD_FILTER = re.compile(r"(?:^|[\s({])[-]?\w+\s*:")


def _match(conn: Connection, query: str, limit: int) -> list[SearchHit]:
    rows = conn.execute(
        text(
            f"SELECT entry_id, snippet({INDEX}, -1, :start, :end, '…', :tokens) AS snippet, bm25({INDEX}) AS rank "
            f"FROM {INDEX} WHERE {INDEX} MATCH :query ORDER BY rank LIMIT :limit"
        ),
        {"start": HIT_START, "end": HIT_END, "tokens": _SNIPPET_TOKENS, "query": query, "limit": limit},
    )
    return [SearchHit(row.entry_id, row.snippet, row.rank) for row in rows]


def _as_words(query: str) -> str | None:
    """`kv-cache 0.5` -> `"kv-cache" "0.5"` (each word a phrase); None where the query means FTS5 syntax:
    it has quotes, or names a field (`insight:word`)."""
    if '"' in query or _FIELD_FILTER.search(query):
        return None
    return " ".join(f'"{word}"' for word in _PLAIN_WORD.findall(query)) or None


def search_entries(engine: Engine, query: str, limit: int = 20) -> list[SearchHit]:
    """Entries matching an FTS5 query, best first. Bad syntax is a one-line LearnError."""
    if not query.strip():
        raise LearnError("nothing to search for; give words, a \"quoted phrase\", or prefix* ")
    ensure_journal_schema(engine)
    attempts = [query] + [q for q in [_as_words(query)] if q and q != query]
    with engine.connect() as conn:
        try:
            for n, attempt in enumerate(attempts):
                try:
                    return _match(conn, attempt, limit)
                except OperationalError as exc:
                    if n == len(attempts) - 1:
                        reason = str(exc.orig).removeprefix("fts5: ")
                        raise LearnError(
                            f"bad search '{query}': {reason}; use words, \"quoted phrases\", AND/OR/NOT, prefix*, "
                            "or field:word (fields: " + ", ".join(INDEXED_COLUMNS) + ")"
                        ) from None
        finally:
            conn.rollback()
    return []
