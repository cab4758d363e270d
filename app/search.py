"""Find checklist items across the whole curriculum by words of their text, notes or id (UI-free).

Every word of the query must appear (case-insensitive, in any order) in the item's text, notes or id;
items whose text matches come before those matched only by notes or id, then curriculum order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text

from app.progress import EFFECTIVE_STATUS_SQL


@dataclass(frozen=True)
class ItemHit:
    item_id: str
    text: str
    status: str
    module_id: str
    module_title: str
    track_id: str


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_items(engine: Engine, query: str, limit: int = 50) -> list[ItemHit]:
    """Items matching every word of `query` (an empty query matches nothing), best first."""
    words = query.lower().split()
    if not words:
        return []
    haystack = "lower(i.text || ' ' || COALESCE(i.notes, '') || ' ' || i.id)"
    where = " AND ".join(f"{haystack} LIKE :w{n} ESCAPE '\\'" for n in range(len(words)))
    in_text = " AND ".join(f"lower(i.text) LIKE :w{n} ESCAPE '\\'" for n in range(len(words)))
    sql = (
        f"SELECT i.id, i.text, {EFFECTIVE_STATUS_SQL} AS status, m.id AS module_id, m.title AS module_title, "
        f"m.track_id FROM item i JOIN module m ON m.id = i.module_id LEFT JOIN progress p ON p.item_id = i.id "
        f"WHERE {where} ORDER BY ({in_text}) DESC, i.position LIMIT :limit"
    )
    params: dict[str, object] = {f"w{n}": _like_pattern(word) for n, word in enumerate(words)}
    params["limit"] = limit
    with engine.connect() as conn:
        rows = conn.execute(text(sql), params).all()
        conn.rollback()
    return [ItemHit(r.id, r.text, r.status, r.module_id, r.module_title, r.track_id) for r in rows]
