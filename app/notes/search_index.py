"""Full-text search over the learner's notes, beside the journal's (`learn log search` finds both).

The same FTS5 set-up as app/journal/search_index.py: a plain FTS5 table with its own copy of the text,
kept in sync by triggers, made with the schema (v3), the same tokenizer, and the same second try of a query that
FTS5 cannot read as plain words.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

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


def create_notes_index(conn: Connection) -> None:
    """The index and its triggers, as part of the schema (app/db/engine.py: create_schema and the v3
    migration); filled from the notes already there."""
    for statement in _CREATE:
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"INSERT INTO {INDEX} (target_id, text) SELECT target_id, text FROM note")


def search_notes(engine: Engine, query: str, limit: int = 20) -> list[SearchHit]:
    """Notes matching the query, best first (SearchHit.entry_id is the note's target id). A query the
    journal's search refuses never gets here, so a query FTS5 cannot read finds no notes."""
    attempts = [query] + [q for q in [_as_words(query)] if q and q != query]
    with engine.connect() as conn:
        try:
            for attempt in attempts:
                try:
                    rows = conn.execute(
                        text(
                            f"SELECT target_id, snippet({INDEX}, -1, :start, :end, '…', 12) AS snippet, "
                            f"bm25({INDEX}) AS rank FROM {INDEX} WHERE {INDEX} MATCH :query ORDER BY rank LIMIT :limit"
                        ),
                        {"start": HIT_START, "end": HIT_END, "query": attempt, "limit": limit},
                    ).all()
                    return [SearchHit(row.target_id, row.snippet, row.rank) for row in rows]
                except OperationalError:
                    continue
        finally:
            conn.rollback()
    return []
