"""What happened since the last log entry, as comment lines for a new entry's template.

- items the learner ticked done (progress.completed_at after the last entry's created_at), with
  their module;
- drill reviews and retention, read from the drill system's `drill_review` table.
Verify attempts are not recorded anywhere yet; they join this summary once `learn verify` stores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from app.journal.search_index import ensure_journal_schema
from app.journal.store import last_entry_created_at

MAX_ITEMS_SHOWN = 15


@dataclass(frozen=True)
class CompletedItem:
    item_id: str
    text: str | None  # None: the item has left the curriculum
    module_id: str | None
    completed_at: str


@dataclass(frozen=True)
class DrillActivity:
    reviews: int
    cards: int
    recalled: int  # reviews rated Hard, Good or Easy (not Again)
    minutes: float

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviews if self.reviews else None


@dataclass(frozen=True)
class Activity:
    since: str | None  # the last entry's created_at (UTC); None before the first entry
    completed: list[CompletedItem] = field(default_factory=list)
    drills: DrillActivity | None = None  # None: no drill system in this database

    def as_comments(self) -> list[str]:
        """'# ' lines: the learner deletes them, or uncomments one to keep it in the entry."""
        when = f"your last entry ({_minutes(self.since)} UTC)" if self.since else "you started"
        lines = [f"# Since {when}; remove the '# ' to keep a line:"]
        for item in self.completed[:MAX_ITEMS_SHOWN]:
            where = f" (Module {item.module_id})" if item.module_id else ""
            lines.append(f"# - Done: {_plain(item.text or item.item_id)}{where}")
        if len(self.completed) > MAX_ITEMS_SHOWN:
            lines.append(f"# - ...and {len(self.completed) - MAX_ITEMS_SHOWN} more items done")
        if self.drills is not None and self.drills.reviews:
            d = self.drills
            lines.append(
                f"# - Drills: {d.reviews} review{'s' * (d.reviews != 1)} of {d.cards} card{'s' * (d.cards != 1)}, "
                f"{d.retention:.0%} recalled, {d.minutes:.0f} min"
            )
        if len(lines) == 1:
            lines.append("# - No items ticked" + (" and no drill reviews" if self.drills is not None else ""))
        return lines


def _minutes(iso: str) -> str:
    return iso.replace("T", " ")[:16]


def _plain(markdown: str) -> str:
    """Item text without markdown emphasis or code marks, on one line."""
    return " ".join(re.sub(r"(\*\*|__|`)", "", markdown).split()).rstrip(":")


def completed_items(conn: Connection, since: str | None) -> list[CompletedItem]:
    rows = conn.execute(
        text(
            "SELECT p.item_id, i.text, i.module_id, p.completed_at FROM progress p LEFT JOIN item i ON i.id = p.item_id "
            "WHERE p.status = 'done' AND p.completed_at IS NOT NULL "
            "AND (:since IS NULL OR julianday(p.completed_at) > julianday(:since)) "
            "ORDER BY p.completed_at, i.position"
        ),
        {"since": since},
    )
    return [CompletedItem(r.item_id, r.text, r.module_id, r.completed_at) for r in rows]


def drill_activity(conn: Connection, since: str | None) -> DrillActivity | None:
    """Reviews since `since` and the share recalled (rating 2-4 of 1 Again .. 4 Easy).

    `drill_review` is there once the drill system has landed; None where it is not (or has another shape)."""
    if conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'drill_review'")).first() is None:
        return None
    try:
        row = conn.execute(
            text(
                "SELECT COUNT(*) AS reviews, COUNT(DISTINCT card_id) AS cards, COALESCE(SUM(rating >= 2), 0) AS recalled, "
                "COALESCE(SUM(duration_ms), 0) AS ms FROM drill_review "
                "WHERE :since IS NULL OR julianday(reviewed_at) > julianday(:since)"
            ),
            {"since": since},
        ).one()
    except OperationalError:
        return None
    return DrillActivity(row.reviews, row.cards, row.recalled, row.ms / 60_000)


def activity_since_last_entry(engine: Engine) -> Activity:
    ensure_journal_schema(engine)
    with engine.connect() as conn:
        since = last_entry_created_at(conn)
        activity = Activity(since, completed_items(conn, since), drill_activity(conn, since))
        conn.rollback()
    return activity
