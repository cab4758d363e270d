"""Search over log entries through their FTS5 index (made with the schema: app/db/journal_index.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from app.db.journal_index import INDEX, INDEXED_COLUMNS
from app.errors import LearnError


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
        raise LearnError('nothing to search for; give words, a "quoted phrase", or prefix* ')
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
