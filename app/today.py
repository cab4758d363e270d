"""What the dashboard shows beside the tracks: cards due and the drill streak, the last verify runs,
the latest log entries, and the module the learner is working on (UI-free; the TUI's home screen).

Each part comes from its own package's functions; a part that fails (a broken deck file) carries its
one-line error instead of hiding the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, text

from app.errors import LearnError


@dataclass(frozen=True)
class DrillToday:
    due: int  # seen cards due before the end of this UTC day
    new: int  # new cards a session would add today
    streak_days: int
    cards: int


@dataclass(frozen=True)
class RecentAttempt:
    exercise_id: str
    module_id: str
    passed: bool
    checks_passed: int
    checks_total: int
    started_at: str


@dataclass
class Today:
    drill: DrillToday | None = None
    drill_error: str | None = None
    attempts: list[RecentAttempt] = field(default_factory=list)
    entries: list = field(default_factory=list)  # app.journal.entry.LogEntry, newest first
    current_module: tuple[str, str] | None = None  # (id, title)


def drill_today(engine: Engine, now: datetime) -> DrillToday:
    """Syncs the decks first (as `learn drill` does); raises DeckError on a broken deck."""
    from app.drill.queue import NEW_PER_DAY, day_start
    from app.drill.stats import drill_stats
    from app.drill.store import load_cards, new_cards_started_since
    from app.drill.sync import sync_decks

    sync_decks(engine)
    cards = load_cards(engine)
    stats = drill_stats(engine, cards, now)
    new = min(stats["cards"]["new"], max(NEW_PER_DAY - new_cards_started_since(engine, day_start(now)), 0))
    return DrillToday(stats["due"]["today"], new, stats["streak_days"], len(cards))


def recent_attempts(engine: Engine, limit: int = 3) -> list[RecentAttempt]:
    """The last `limit` verify runs of the learner's code, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT exercise_id, module_id, passed, checks_passed, checks_total, started_at FROM verify_attempt "
            "ORDER BY started_at DESC, rowid DESC LIMIT :limit"
        ), {"limit": limit}).all()
        conn.rollback()
    return [RecentAttempt(r.exercise_id, r.module_id, bool(r.passed), r.checks_passed, r.checks_total, r.started_at)
            for r in rows]


def today_summary(engine: Engine, now: datetime, *, entries: int = 3, attempts: int = 3) -> Today:
    from app.journal.store import current_module, list_entries, module_title

    today = Today()
    try:
        today.drill = drill_today(engine, now)
    except LearnError as exc:
        today.drill_error = "\n".join([exc.message, *exc.details[:2]])  # the details name file:line
    today.attempts = recent_attempts(engine, attempts)
    today.entries = list_entries(engine)[:entries]
    module_id = current_module(engine)
    if module_id is not None:
        today.current_module = (module_id, module_title(engine, module_id) or "")
    return today
