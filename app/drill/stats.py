"""`learn drill stats`: what is due, how much was reviewed, how well it is remembered, what is weak.

- due today / this week: seen cards due before the end of this UTC day / of the 7th day from today;
- reviews per day: the last 14 UTC days, with how many were Again;
- retention, two numbers:
  `measured`: share of the last 30 days' reviews of cards in the Review state (graduated from
  learning) rated Hard, Good or Easy: Anki's "true retention";
  `predicted`: mean FSRS retrievability of all seen cards now (the scheduler aims at 0.9);
- streak: consecutive UTC days with at least one review, ending today (or yesterday, until today's
  first review: the streak is not lost yet);
- weakest: seen cards with the most lapses (Again on a graduated card), then lowest stability, with
  the curriculum modules their items belong to.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

from app.drill.queue import day_end, day_start
from app.drill.scheduling import is_new, iso, state_name
from app.drill.store import DrillCard, load_memories

HISTORY_DAYS = 14
RETENTION_DAYS = 30
WEAKEST = 10


def drill_stats(engine: Engine, cards: list[DrillCard], now: datetime) -> dict:
    """The statistics as a JSON-ready dict (the shape `learn drill stats --json` prints)."""
    memories = load_memories(engine, now, {card.id for card in cards})
    seen = [(card, memories[card.id]) for card in cards if card.id in memories and not is_new(memories[card.id].card)]
    today_end = day_end(now)
    week_end = today_end + timedelta(days=6)
    with engine.connect() as conn:
        per_day = {
            row.day: (row.reviews, row.again)
            for row in conn.execute(
                text(
                    "SELECT substr(reviewed_at, 1, 10) AS day, COUNT(*) AS reviews, SUM(rating = 1) AS again "
                    "FROM drill_review GROUP BY day"
                )
            )
        }
        recent = conn.execute(
            text("SELECT rating, state_before FROM drill_review WHERE reviewed_at >= :t"),
            {"t": iso(day_start(now) - timedelta(days=RETENTION_DAYS - 1))},
        ).all()
        modules = _modules_of_items(conn, {item for card, _ in seen for item in card.items})
        conn.rollback()
    graduated = [rating for rating, before in recent if json.loads(before).get("state") == "review"]
    retrievability = [r for _, m in seen if (r := m.retrievability(now)) is not None]
    days = [(day_start(now) - timedelta(days=n)).date().isoformat() for n in range(HISTORY_DAYS - 1, -1, -1)]
    weakest = sorted(seen, key=lambda cm: (-cm[1].lapses, cm[1].card.stability or 0.0))[:WEAKEST]
    weak_modules: Counter[str] = Counter()
    weakest_json = []
    for card, memory in weakest:
        linked = sorted({modules[item][0] for item in card.items if item in modules})
        weak_modules.update(linked)
        weakest_json.append(
            {
                "id": card.id,
                "deck": card.deck_id,
                "prompt": card.prompt,
                "lapses": memory.lapses,
                "reviews": memory.reviews,
                "stability_days": _round(memory.card.stability),
                "retrievability": _round(memory.retrievability(now)),
                "due": iso(memory.card.due),
                "modules": linked,
            }
        )
    titles = {module_id: title for module_id, title in modules.values()}
    return {
        "now": iso(now),
        "cards": {
            "total": len(cards),
            "seen": len(seen),
            "new": len(cards) - len(seen),
            "by_state": dict(Counter(state_name(m.card) for _, m in seen)),
        },
        "due": {
            "today": sum(m.card.due < today_end for _, m in seen),
            "this_week": sum(m.card.due < week_end for _, m in seen),
        },
        "reviews_per_day": [
            {"date": d, "reviews": per_day.get(d, (0, 0))[0], "again": per_day.get(d, (0, 0))[1] or 0} for d in days
        ],
        "reviews_total": sum(reviews for reviews, _ in per_day.values()),
        "retention": {
            "measured": _round(sum(r > 1 for r in graduated) / len(graduated)) if graduated else None,
            "measured_reviews": len(graduated),
            "measured_days": RETENTION_DAYS,
            "predicted": _round(sum(retrievability) / len(retrievability)) if retrievability else None,
        },
        "streak_days": _streak(set(per_day), now),
        "weakest": weakest_json,
        "weak_modules": [
            {"id": module_id, "title": titles[module_id], "weak_cards": n}
            for module_id, n in weak_modules.most_common()
        ],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _modules_of_items(conn, items: set[str]) -> dict[str, tuple[str, str]]:
    """item id -> (module id, module title)."""
    if not items:
        return {}
    rows = conn.execute(text("SELECT i.id, m.id AS module_id, m.title FROM item i JOIN module m ON m.id = i.module_id"))
    return {row.id: (row.module_id, row.title) for row in rows if row.id in items}


def _streak(review_days: set[str], now: datetime) -> int:
    day = day_start(now)
    if day.date().isoformat() not in review_days:
        day -= timedelta(days=1)
    streak = 0
    while day.date().isoformat() in review_days:
        streak += 1
        day -= timedelta(days=1)
    return streak
