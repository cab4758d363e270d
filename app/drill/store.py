"""Drill rows in SQLite: the cards (as plain dataclasses), their memories, and writing a review.

Each review is one INSERT in its own write transaction, committed before the next card shows, so a
session killed at any moment keeps every review it completed.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from fsrs import Card
from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.drill.scheduling import Memory, iso, parse_iso, replay, state_to_json


@dataclass(frozen=True)
class CodeTask:
    check: str  # a name in app/drill/code_checks.py
    function: str  # what the learner's code must define


@dataclass(frozen=True)
class DrillCard:
    id: str
    deck_id: str
    prompt: str
    answer: str
    tags: tuple[str, ...]
    items: tuple[str, ...]
    time_limit_s: int
    position: int
    code: CodeTask | None = None


def load_cards(engine: Engine) -> list[DrillCard]:
    """Every card of every synced deck, in deck and card order."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.id, c.deck_id, c.prompt, c.answer, c.tags_json, c.items_json, c.code_json, c.time_limit_s, "
                "c.position FROM drill_card c ORDER BY c.position"
            )
        ).all()
        conn.rollback()
    cards = []
    for row in rows:
        code = json.loads(row.code_json) if row.code_json else None
        cards.append(
            DrillCard(
                id=row.id,
                deck_id=row.deck_id,
                prompt=row.prompt,
                answer=row.answer,
                tags=tuple(json.loads(row.tags_json)),
                items=tuple(json.loads(row.items_json)),
                time_limit_s=row.time_limit_s,
                position=row.position,
                code=CodeTask(code["check"], code["function"]) if code else None,
            )
        )
    return cards


def load_memories(engine: Engine, now: datetime, card_ids: set[str] | None = None) -> dict[str, Memory]:
    """The FSRS memory of every card with reviews (or of `card_ids`), replayed from drill_review.

    Reviews of cards that left the decks are kept in the table and simply not asked for here.
    """
    history: dict[str, list[tuple[int, datetime]]] = defaultdict(list)
    with engine.connect() as conn:
        # rowid breaks ties between reviews in the same second, in the order they were written
        for card_id, rating, reviewed_at in conn.execute(
            text("SELECT card_id, rating, reviewed_at FROM drill_review ORDER BY reviewed_at, rowid")
        ):
            if card_ids is None or card_id in card_ids:
                history[card_id].append((rating, parse_iso(reviewed_at)))
        conn.rollback()
    return {card_id: replay(reviews, now) for card_id, reviews in history.items()}


@dataclass(frozen=True)
class StoredReview:
    id: str
    card_id: str
    rating: int
    reviewed_at: str
    duration_ms: int | None
    state_before: str
    state_after: str


_INSERT = text(
    "INSERT INTO drill_review (id, card_id, rating, reviewed_at, duration_ms, state_before, state_after) "
    "VALUES (:id, :card_id, :rating, :reviewed_at, :duration_ms, :state_before, :state_after)"
)


def record_review(
    engine: Engine, card_id: str, rating: int, at: datetime, duration_ms: int | None, before: Card, after: Card
) -> StoredReview:
    """Write one review in its own transaction (committed when this returns)."""
    review = StoredReview(
        uuid.uuid4().hex, card_id, rating, iso(at), duration_ms, state_to_json(before), state_to_json(after)
    )
    with write_connection(engine) as conn:
        conn.execute(_INSERT, vars(review))
    return review


def new_cards_started_since(engine: Engine, since: datetime) -> int:
    """Cards whose first review is at or after `since` (the daily budget of new cards)."""
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT card_id FROM drill_review GROUP BY card_id HAVING MIN(reviewed_at) >= :t)"
            ),
            {"t": iso(since)},
        ).scalar()
        conn.rollback()
    return n or 0
