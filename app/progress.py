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


class AmbiguousIdError(LearnError):
    """Several ids match what was typed: a one-line list of the candidates."""

    def __init__(self, kind: str, ident: str, matches: list[str]) -> None:
        shown = ", ".join(matches[:8]) + (f" and {len(matches) - 8} more" if len(matches) > 8 else "")
        super().__init__(f"'{ident}' matches {len(matches)} {kind}s: {shown}; type more of the one you mean")
        self.matches = matches


def _item_matches(rows: list[tuple[str, str]], ident: str) -> list[str]:
    """Ids of items that `ident` names: the id itself, else a prefix of ids, else a substring of ids,
    else a substring of the items' text (case-insensitive); the first rule that matches anything wins."""
    wanted = ident.strip().lower()
    if not wanted:
        return []
    for rule in (
        lambda item_id, _: item_id.lower() == wanted,
        lambda item_id, _: item_id.lower().startswith(wanted),
        lambda item_id, _: wanted in item_id.lower(),
        lambda _, item_text: wanted in item_text.lower(),
    ):
        matches = [item_id for item_id, item_text in rows if rule(item_id, item_text)]
        if matches:
            return matches
    return []


def resolve_item_id(conn: Connection, ident: str) -> str:
    """The item `ident` names (see _item_matches); several matches or none is a one-line LearnError
    (the candidates, or a "did you mean")."""
    rows = [(row.id, row.text) for row in conn.execute(text("SELECT id, text FROM item ORDER BY position"))]
    matches = _item_matches(rows, ident)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousIdError("item", ident, matches)
    raise UnknownIdError("item", ident, [item_id for item_id, _ in rows])


def find_item_id(engine: Engine, ident: str) -> str:
    """resolve_item_id on its own read transaction."""
    with engine.connect() as conn:
        try:
            return resolve_item_id(conn, ident)
        finally:
            conn.rollback()


def item_module(engine: Engine, ident: str) -> tuple[str, str | None]:
    """`learn show`'s argument: a module (its id, None), else an item (its module's id, the item's id).
    An item is looked up only when `ident` is an item id or looks like one (`0.2/universal`): a module
    typo should get "did you mean module-...", not a match in some item's text."""
    try:
        return resolve_module_id(engine, ident), None
    except LearnError as module_error:
        with engine.connect() as conn:
            try:
                if (
                    "/" not in ident
                    and conn.execute(text("SELECT 1 FROM item WHERE id = :id"), {"id": ident}).first() is None
                ):
                    raise module_error from None
                item_id = resolve_item_id(conn, ident)
                return conn.execute(
                    text("SELECT module_id FROM item WHERE id = :id"), {"id": item_id}
                ).scalar_one(), item_id
            except UnknownIdError as item_error:  # "no item 'x'; did you mean ...?", said of both
                raise LearnError(item_error.message.replace("no item", "no module or item", 1)) from None
            finally:
                conn.rollback()


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
    item_ids = list(item_ids)
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
        for n, ident in enumerate(item_ids):
            if ident not in found:
                if conn.execute(text("SELECT 1 FROM module WHERE id = :id"), {"id": ident}).first():
                    raise LearnError(f"'{ident}' is a module, not an item; `learn show {ident}` lists its item ids")
                item_ids[n] = resolve_item_id(conn, ident)
                found.update(
                    {
                        row.id: row
                        for row in conn.execute(
                            text(
                                f"SELECT i.id, i.text, {EFFECTIVE_STATUS_SQL} AS status, p.completed_at FROM item i "
                                "LEFT JOIN progress p ON p.item_id = i.id WHERE i.id = :id"
                            ),
                            {"id": item_ids[n]},
                        )
                    }
                )
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
