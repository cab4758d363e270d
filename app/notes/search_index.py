"""Full-text search over the learner's notes, beside the journal's (`learn log search` finds both).

The same FTS5 set-up as app/journal/search_index.py: a plain FTS5 table with its own copy of the text,
kept in sync by triggers, made with raw SQL once per engine (every statement idempotent; a new index
is filled from the notes already there), the same tokenizer, and the same second try of a query that
FTS5 cannot read as plain words.
"""

from __future__ import annotations

import weakref

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.db.engine import write_connection
from app.journal.search_index import HIT_END, HIT_START, SearchHit, _as_words

INDEX = "note_fts"

_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {INDEX} USING fts5(target_id UNINDEXED, text, tokenize = 'porter unicode61')",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_insert AFTER INSERT ON note BEGIN
        DELETE FROM {INDEX} WHERE target_id = new.target_id;
        INSERT INTO {INDEX} (target_id, text) VALUES (new.target_id, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_update AFTER UPDATE ON note BEGIN
        DELETE FROM {INDEX} WHERE target_id = old.target_id;
        INSERT INTO {INDEX} (target_id, text) VALUES (new.target_id, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {INDEX}_delete AFTER DELETE ON note BEGIN
        DELETE FROM {INDEX} WHERE target_id = old.target_id;
    END""",
]
_TRIGGERS = {f"{INDEX}_insert", f"{INDEX}_update", f"{INDEX}_delete"}
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_notes_index(engine: Engine) -> None:
    if engine in _ready:
        return
    with engine.connect() as conn:
        present = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        conn.rollback()
    if not {INDEX} | _TRIGGERS <= present:
        with write_connection(engine) as conn:
            for statement in _CREATE:
                conn.exec_driver_sql(statement)
            if INDEX not in present:
                conn.exec_driver_sql(f"INSERT INTO {INDEX} (target_id, text) SELECT target_id, text FROM note")
    _ready.add(engine)


def search_notes(engine: Engine, query: str, limit: int = 20) -> list[SearchHit]:
    """Notes matching the query, best first (SearchHit.entry_id is the note's target id). A query the
    journal's search refuses never gets here, so a query FTS5 cannot read finds no notes."""
    ensure_notes_index(engine)
    attempts = [query] + [q for q in [_as_words(query)] if q and q != query]
    with engine.connect() as conn:
        try:
            for attempt in attempts:
                try:
                    rows = conn.execute(text(
                        f"SELECT target_id, snippet({INDEX}, -1, :start, :end, '…', 12) AS snippet, "
                        f"bm25({INDEX}) AS rank FROM {INDEX} WHERE {INDEX} MATCH :query ORDER BY rank LIMIT :limit"
                    ), {"start": HIT_START, "end": HIT_END, "query": attempt, "limit": limit}).all()
                    return [SearchHit(row.target_id, row.snippet, row.rank) for row in rows]
                except OperationalError:
                    continue
        finally:
            conn.rollback()
    return []
