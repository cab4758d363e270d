"""What happened since the last log entry, as comment lines for a new entry's template.

- items the learner ticked done (progress.completed_at after the last entry's created_at), with
  their module;
- `learn verify` results: per exercise, its latest attempt since then, passed or failed;
- drill reviews and retention, read from the drill system's `drill_review` table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, text

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
class VerifyResult:
    exercise_id: str
    passed: bool
    checks_passed: int
    checks_total: int


@dataclass(frozen=True)
class Activity:
    since: str | None  # the last entry's created_at (UTC); None before the first entry
    completed: list[CompletedItem] = field(default_factory=list)
    drills: DrillActivity | None = None
    verified: list[VerifyResult] = field(default_factory=list)  # the latest attempt per exercise

    def as_comments(self) -> list[str]:
        """'# ' lines: the learner deletes them, or uncomments one to keep it in the entry."""
        when = f"your last entry ({_minutes(self.since)} UTC)" if self.since else "you started"
        lines = [f"# Since {when}; remove the '# ' to keep a line:"]
        for item in self.completed[:MAX_ITEMS_SHOWN]:
            where = f" (Module {item.module_id})" if item.module_id else ""
            lines.append(f"# - Done: {_plain(item.text or item.item_id)}{where}")
        if len(self.completed) > MAX_ITEMS_SHOWN:
            lines.append(f"# - ...and {len(self.completed) - MAX_ITEMS_SHOWN} more items done")
        passed = [v.exercise_id for v in self.verified if v.passed]
        failed = [f"{v.exercise_id} ({v.checks_passed}/{v.checks_total} checks)" for v in self.verified if not v.passed]
        if passed:
            lines.append(f"# - Verified: {', '.join(passed)} passed")
        if failed:
            lines.append(f"# - Verify failing: {', '.join(failed)}")
        if self.drills is not None and self.drills.reviews:
            d = self.drills
            lines.append(
                f"# - Drills: {d.reviews} review{'s' * (d.reviews != 1)} of {d.cards} card{'s' * (d.cards != 1)}, "
                f"{d.retention:.0%} recalled, {d.minutes:.0f} min"
            )
        if len(lines) == 1:
            lines.append("# - No items ticked, no verify runs and no drill reviews")
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


def drill_activity(conn: Connection, since: str | None) -> DrillActivity:
    """Reviews since `since` and the share recalled (rating 2-4 of 1 Again .. 4 Easy)."""
    row = conn.execute(
        text(
            "SELECT COUNT(*) AS reviews, COUNT(DISTINCT card_id) AS cards, COALESCE(SUM(rating >= 2), 0) AS recalled, "
            "COALESCE(SUM(duration_ms), 0) AS ms FROM drill_review "
            "WHERE :since IS NULL OR julianday(reviewed_at) > julianday(:since)"
        ),
        {"since": since},
    ).one()
    return DrillActivity(row.reviews, row.cards, row.recalled, row.ms / 60_000)


def verify_activity(conn: Connection, since: str | None) -> list[VerifyResult]:
    """The latest `learn verify` attempt of each exercise run since `since`, in the order last run."""
    latest: dict[str, VerifyResult] = {}
    rows = conn.execute(
        text(
            "SELECT exercise_id, passed, checks_passed, checks_total FROM verify_attempt "
            "WHERE :since IS NULL OR julianday(started_at) > julianday(:since) ORDER BY started_at"
        ),
        {"since": since},
    )
    for row in rows:
        latest.pop(row.exercise_id, None)  # re-insert: dicts keep the order of the last run
        latest[row.exercise_id] = VerifyResult(row.exercise_id, bool(row.passed), row.checks_passed, row.checks_total)
    return list(latest.values())


def activity_since_last_entry(engine: Engine) -> Activity:
    with engine.connect() as conn:
        since = last_entry_created_at(conn)
        activity = Activity(
            since, completed_items(conn, since), drill_activity(conn, since), verify_activity(conn, since)
        )
        conn.rollback()
    return activity
