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
from app.stored_json import attempt_details


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
        rows = conn.execute(
            text(
                "SELECT exercise_id, module_id, passed, checks_passed, checks_total, started_at FROM verify_attempt "
                "ORDER BY started_at DESC, rowid DESC LIMIT :limit"
            ),
            {"limit": limit},
        ).all()
        conn.rollback()
    return [
        RecentAttempt(r.exercise_id, r.module_id, bool(r.passed), r.checks_passed, r.checks_total, r.started_at)
        for r in rows
    ]


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


# -- `learn today`: the Continue panel with its details -------------------------------------------------


@dataclass(frozen=True)
class NextItem:
    id: str
    text: str
    status: str  # todo | in_progress


@dataclass(frozen=True)
class VerifyFailure:
    exercise_id: str
    module_id: str
    checks_passed: int
    checks_total: int
    started_at: str
    hint: str | None  # the run's first hint, else its one-line error


def next_items(engine: Engine, module_id: str, limit: int = 5) -> list[NextItem]:
    """The module's first `limit` items not done, in the plan's order; headings with sub-items are left
    out (their sub-items are what gets ticked), items in progress first."""
    from app.progress import EFFECTIVE_STATUS_SQL

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT i.id, i.text, {EFFECTIVE_STATUS_SQL} AS status FROM item i "
                "LEFT JOIN progress p ON p.item_id = i.id WHERE i.module_id = :module "
                "AND NOT EXISTS (SELECT 1 FROM item c WHERE c.parent_id = i.id) ORDER BY i.position"
            ),
            {"module": module_id},
        ).all()
        conn.rollback()
    open_items = [NextItem(r.id, r.text, r.status) for r in rows if r.status != "done"]
    return sorted(open_items, key=lambda item: item.status != "in_progress")[:limit]


def verify_failures(engine: Engine, limit: int = 3) -> list[VerifyFailure]:
    """Exercises whose last run failed, the most recent first, each with its one-line hint."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT exercise_id, module_id, passed, checks_passed, checks_total, started_at, details "
                "FROM verify_attempt a WHERE rowid = (SELECT b.rowid FROM verify_attempt b "
                "WHERE b.exercise_id = a.exercise_id ORDER BY b.started_at DESC, b.rowid DESC LIMIT 1) "
                "AND NOT passed ORDER BY started_at DESC, rowid DESC LIMIT :limit"
            ),
            {"limit": limit},
        ).all()
        conn.rollback()
    failures = []
    for r in rows:
        details = attempt_details(r.details)
        hints = details.get("hints") or []
        hint = hints[0] if hints else details.get("error")
        failures.append(
            VerifyFailure(
                r.exercise_id,
                r.module_id,
                r.checks_passed,
                r.checks_total,
                r.started_at,
                " ".join(str(hint).split()) if hint else None,
            )
        )
    return failures


@dataclass
class LearnToday:
    module: dict | None  # {"id", "title", "items_done", "items_total"} of the module in progress
    next_items: list[NextItem]
    drill: DrillToday | None
    drill_error: str | None
    failures: list[VerifyFailure]

    def to_json(self) -> dict:
        from dataclasses import asdict

        return {
            "module": self.module,
            "next_items": [asdict(item) for item in self.next_items],
            "drill": asdict(self.drill) if self.drill else None,
            "drill_error": self.drill_error,
            "verify_failures": [asdict(failure) for failure in self.failures],
            "streak_days": self.drill.streak_days if self.drill else 0,
        }


def learn_today(engine: Engine, now: datetime, *, items: int = 5, failures: int = 3) -> LearnToday:
    """What to do today: the module in progress and its next items, the cards due, what fails."""
    from app.journal.store import current_module

    drill, drill_error = None, None
    try:
        drill = drill_today(engine, now)
    except LearnError as exc:
        drill_error = "\n".join([exc.message, *exc.details[:2]])
    module, upcoming = None, []
    module_id = current_module(engine)
    if module_id is not None:
        from app.module_view import module_view

        view = module_view(engine, module_id)
        module = {"id": view.id, "title": view.title, "items_done": view.items_done, "items_total": view.items_total}
        upcoming = next_items(engine, module_id, items)
    return LearnToday(module, upcoming, drill, drill_error, verify_failures(engine, failures))
