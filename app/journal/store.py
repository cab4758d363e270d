"""Log entries in SQLite: add, edit, delete, find by id prefix, list; and the module context they need.

Entries link to a module by id with no foreign key and keep the title they were written under, so
a curriculum sync never touches them and an entry outlives its module leaving the YAML.
"""

from __future__ import annotations

import re
import uuid

from sqlalchemy import Connection, Engine, text

from app.db.engine import write_connection
from app.errors import LearnError
from app.journal.entry import FIELDS, EntryDraft, LogEntry
from app.journal.entry_text import DEFAULT_TEMPLATE, ModuleResolver
from app.module_ids import without_prefix
from app.progress import resolve_module_id, utc_now

MIN_PREFIX = 4
_COLUMNS = ("id", "date", "module_id", "module_title", *FIELDS, "body", "created_at", "updated_at")
_SELECT = (
    f"SELECT {', '.join('e.' + c for c in _COLUMNS)}, "
    "CASE WHEN e.module_id IS NULL THEN NULL ELSE m.id IS NOT NULL END AS module_in_curriculum "
    "FROM log_entry e LEFT JOIN module m ON m.id = e.module_id"
)
_ORDER = "e.date {0}, e.created_at {0}, e.rowid {0}"  # rowid: the order written, within a second


def _entry(row) -> LogEntry:
    values = dict(row._mapping)
    if values["module_in_curriculum"] is not None:
        values["module_in_curriculum"] = bool(values["module_in_curriculum"])
    return LogEntry(**values)


def _values(draft: EntryDraft) -> dict[str, str | None]:
    fields = {name: draft.fields.get(name, "").strip() for name in FIELDS}
    return dict(
        date=draft.date, module_id=draft.module_id, module_title=draft.module_title, body=draft.body.strip(), **fields
    )


def _read(engine: Engine, sql: str, params: dict) -> list[LogEntry]:
    with engine.connect() as conn:
        entries = [_entry(row) for row in conn.execute(text(sql), params)]
        conn.rollback()
    return entries


def _get(conn: Connection, entry_id: str) -> LogEntry:
    return _entry(conn.execute(text(f"{_SELECT} WHERE e.id = :id"), {"id": entry_id}).one())


def add_entry(engine: Engine, draft: EntryDraft) -> LogEntry:
    now = utc_now()
    values = _values(draft) | {"id": uuid.uuid4().hex, "created_at": now, "updated_at": now}
    with write_connection(engine) as conn:
        conn.execute(
            text(f"INSERT INTO log_entry ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"),
            values,
        )
        return _get(conn, values["id"])


def update_entry(engine: Engine, entry_id: str, draft: EntryDraft) -> LogEntry:
    """Replace an entry's text, date and module; its id and creation time stay."""
    values = _values(draft) | {"id": entry_id, "updated_at": utc_now()}
    with write_connection(engine) as conn:
        assignments = ", ".join(f"{c} = :{c}" for c in values if c != "id")
        if conn.execute(text(f"UPDATE log_entry SET {assignments} WHERE id = :id"), values).rowcount != 1:
            raise LearnError(f"no log entry '{entry_id}' (deleted meanwhile?)")
        return _get(conn, entry_id)


def delete_entries(engine: Engine, entry_ids: list[str]) -> int:
    with write_connection(engine) as conn:
        return sum(conn.execute(text("DELETE FROM log_entry WHERE id = :id"), {"id": i}).rowcount for i in entry_ids)


def find_entry(engine: Engine, ident: str) -> LogEntry:
    """The entry whose id is `ident` or starts with it (at least 4 characters, like git)."""
    wanted = ident.strip().lower()
    if not re.fullmatch(r"[0-9a-f]+", wanted):
        raise LearnError(f"no log entry '{ident}'; ids are hexadecimal, as `learn log list` shows them")
    if len(wanted) < MIN_PREFIX:
        raise LearnError(f"log entry id '{ident}' is too short; give at least {MIN_PREFIX} characters")
    found = _read(engine, f"{_SELECT} WHERE e.id LIKE :prefix ORDER BY e.id LIMIT 6", {"prefix": wanted + "%"})
    if not found:
        raise LearnError(f"no log entry '{ident}'; `learn log list` shows the ids")
    if len(found) > 1:
        shown = ", ".join(e.id[: max(len(wanted) + 2, 8)] for e in found[:5])
        raise LearnError(
            f"log entry id '{ident}' is ambiguous ({shown}{', ...' if len(found) > 5 else ''}); give more characters"
        )
    return found[0]


def list_entries(
    engine: Engine, module_id: str | None = None, since: str | None = None, *, newest_first: bool = True
) -> list[LogEntry]:
    """Entries, optionally of one module and dated on or after `since` (YYYY-MM-DD)."""
    where, params = [], {}
    if module_id is not None:
        where.append("e.module_id = :module_id")
        params["module_id"] = module_id
    if since is not None:
        where.append("e.date >= :since")
        params["since"] = since
    sql = _SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    return _read(engine, f"{sql} ORDER BY {_ORDER.format('DESC' if newest_first else 'ASC')}", params)


def entries_by_id(engine: Engine, entry_ids: list[str]) -> dict[str, LogEntry]:
    if not entry_ids:
        return {}
    params = {f"id{n}": ident for n, ident in enumerate(entry_ids)}
    found = _read(engine, f"{_SELECT} WHERE e.id IN ({', '.join(':' + k for k in params)})", params)
    return {entry.id: entry for entry in found}


def last_entry_created_at(conn: Connection) -> str | None:
    return conn.execute(text("SELECT MAX(created_at) FROM log_entry")).scalar()


# -- the module an entry is about ---------------------------------------------------------------------


def module_title(engine: Engine, module_id: str) -> str | None:
    with engine.connect() as conn:
        title = conn.execute(text("SELECT title FROM module WHERE id = :id"), {"id": module_id}).scalar()
        conn.rollback()
    return title


def module_resolver(engine: Engine) -> ModuleResolver:
    """'module-0.5' -> ('0.5', its title); unknown modules raise with a suggestion."""

    def resolve(ident: str) -> tuple[str, str | None]:
        module_id = resolve_module_id(engine, ident)
        return module_id, module_title(engine, module_id)

    return resolve


def resolve_entry_module(engine: Engine, ident: str) -> str:
    """A module to filter entries by: one in the curriculum, or one that entries still name after it
    left the YAML."""
    try:
        return resolve_module_id(engine, ident)
    except LearnError:
        with engine.connect() as conn:
            query = text("SELECT DISTINCT module_id FROM log_entry WHERE module_id IS NOT NULL")
            kept = list(conn.execute(query).scalars())
            conn.rollback()
        wanted = without_prefix(ident.strip()).lower()
        for module_id in kept:
            if module_id.lower() in (ident.strip().lower(), wanted):
                return module_id
        raise


def current_module(engine: Engine) -> str | None:
    """The module the learner worked on last: of the item last ticked or started, or of the exercise
    last verified (items a verify ticked count for the exercise's home; see worked_on.py)."""
    from app.journal.worked_on import last_worked_module

    return last_worked_module(engine)


def template_for(engine: Engine, module_id: str | None) -> str:
    """The `log_template` of the module's track, else the first track's that has one, else the plan's."""
    with engine.connect() as conn:
        own = None
        if module_id is not None:
            own = conn.execute(
                text("SELECT t.log_template FROM track t JOIN module m ON m.track_id = t.id WHERE m.id = :id"),
                {"id": module_id},
            ).scalar()
        first = conn.execute(
            text("SELECT log_template FROM track WHERE TRIM(COALESCE(log_template, '')) != '' ORDER BY position")
        ).scalar()
        conn.rollback()
    return next((t for t in (own, first) if t and t.strip()), DEFAULT_TEMPLATE)
