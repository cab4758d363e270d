"""The learner's progress on items: resolve ids, set a status, and read effective statuses.

An item's effective status is its progress row if the learner ever set one, else the initial status
written in the YAML (the plan's own markers), else todo.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text

from app.curriculum import STATUSES
from app.db.engine import write_connection
from app.errors import LearnError, UnknownIdError
from app.module_ids import module_label, without_prefix

EFFECTIVE_STATUS_SQL = "COALESCE(p.status, i.initial_status, 'todo')"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def as_utc_iso(value: str) -> str:
    """Any ISO 8601 time (naive means UTC) in the one form we store, so strings compare as times."""
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _all_ids(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        ids = list(conn.execute(text(f"SELECT id FROM {table}")).scalars())
        conn.rollback()
    return ids


def resolve_module_id(engine: Engine, ident: str) -> str:
    """'module-1.5', 'Module 1.5', '1.5' -> '1.5'; other ids as written (case-insensitive)."""
    modules = _all_ids(engine, "module")
    wanted = without_prefix(ident.strip())
    for candidate in (ident.strip(), wanted):
        for module_id in modules:
            if module_id.lower() == candidate.lower():
                return module_id
    close = difflib.get_close_matches(wanted.lower(), [m.lower() for m in modules], n=1, cutoff=0.6)
    hint = ""
    if close:
        match = next(m for m in modules if m.lower() == close[0])
        hint = f"; did you mean {module_label(match)}?"
    raise LearnError(f"no module '{ident}'{hint}")


_UPSERT = text(
    "INSERT INTO progress (item_id, status, updated_at, completed_at) VALUES (:item_id, :status, :updated_at, "
    ":completed_at) ON CONFLICT(item_id) DO UPDATE SET status = :status, updated_at = :updated_at, "
    "completed_at = :completed_at"
)


def upsert_progress(conn: Connection, item_id: str, status: str, updated_at: str, completed_at: str | None) -> None:
    conn.execute(_UPSERT, dict(item_id=item_id, status=status, updated_at=updated_at, completed_at=completed_at))


@dataclass(frozen=True)
class StatusChange:
    item_id: str
    text: str
    before: str
    after: str


def set_status(engine: Engine, item_ids: list[str], status: str) -> list[StatusChange]:
    """Set every item of `item_ids` to `status` in one transaction; unknown ids change nothing."""
    if status not in STATUSES:
        raise LearnError(f"unknown status '{status}'; use one of {', '.join(STATUSES)}")
    now = utc_now()
    changes: list[StatusChange] = []
    with write_connection(engine) as conn:
        found = {
            row.id: row
            for row in conn.execute(
                text(
                    f"SELECT i.id, i.text, {EFFECTIVE_STATUS_SQL} AS status, p.completed_at FROM item i "
                    "LEFT JOIN progress p ON p.item_id = i.id WHERE i.id IN "
                    f"({', '.join(f':id{n}' for n in range(len(item_ids)))})"
                ),
                {f"id{n}": ident for n, ident in enumerate(item_ids)},
            )
        }
        for ident in item_ids:
            if ident not in found:
                if conn.execute(text("SELECT 1 FROM module WHERE id = :id"), {"id": ident}).first():
                    raise LearnError(f"'{ident}' is a module, not an item; `learn show {ident}` lists its item ids")
                raise UnknownIdError("item", ident, conn.execute(text("SELECT id FROM item")).scalars())
        for ident in dict.fromkeys(item_ids):
            row = found[ident]
            completed = (row.completed_at or now) if status == "done" else None
            upsert_progress(conn, ident, status, now, completed)
            changes.append(StatusChange(ident, row.text, row.status, status))
    return changes


def hidden_progress_count(engine: Engine) -> int:
    """Progress rows of items no longer in the YAML: kept, not counted, back when the item returns."""
    with engine.connect() as conn:
        n = conn.execute(text("SELECT COUNT(*) FROM progress WHERE item_id NOT IN (SELECT id FROM item)")).scalar()
        conn.rollback()
    return n or 0
