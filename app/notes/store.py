"""The learner's notes in SQLite: one per item or module, read, replaced or deleted by its id.

A note names its target by the item's or module's id, with no foreign key: like progress, a note
outlives a curriculum edit, stays (not shown) while its item is gone from the YAML, and shows again
when the item comes back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.errors import LearnError
from app.progress import utc_now


@dataclass(frozen=True)
class Target:
    kind: str  # item | module
    id: str
    module_id: str  # the item's module, or the module itself
    label: str  # the item's text or the module's title


@dataclass(frozen=True)
class Note:
    target_id: str
    kind: str
    text: str
    created_at: str
    updated_at: str

    def to_json(self) -> dict:
        return asdict(self)


def resolve_target(engine: Engine, ident: str) -> Target:
    """`learn note`'s argument: a module (module-0.2, 0.2), else an item (its id, a unique prefix or part);
    one-line errors as `learn show` and `learn check` give them."""
    from app.progress import item_module

    module_id, item_id = item_module(engine, ident)
    with engine.connect() as conn:
        if item_id is None:
            label = conn.execute(text("SELECT title FROM module WHERE id = :id"), {"id": module_id}).scalar_one()
            target = Target("module", module_id, module_id, label)
        else:
            label = conn.execute(text("SELECT text FROM item WHERE id = :id"), {"id": item_id}).scalar_one()
            target = Target("item", item_id, module_id, label)
        conn.rollback()
    return target


_COLUMNS = "target_id, kind, text, created_at, updated_at"


def get_note(engine: Engine, target_id: str) -> Note | None:
    with engine.connect() as conn:
        row = conn.execute(text(f"SELECT {_COLUMNS} FROM note WHERE target_id = :id"), {"id": target_id}).first()
        conn.rollback()
    return Note(*row) if row else None


def module_notes(engine: Engine, module_id: str) -> dict[str, Note]:
    """The notes on a module and on its items (those in the YAML now), by target id."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT {_COLUMNS} FROM note WHERE (kind = 'module' AND target_id = :module) OR "
                "(kind = 'item' AND target_id IN (SELECT id FROM item WHERE module_id = :module))"
            ),
            {"module": module_id},
        ).all()
        conn.rollback()
    return {row.target_id: Note(*row) for row in rows}


def notes_by_id(engine: Engine, target_ids: list[str]) -> dict[str, Note]:
    if not target_ids:
        return {}
    params = {f"id{n}": ident for n, ident in enumerate(target_ids)}
    with engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT {_COLUMNS} FROM note WHERE target_id IN ({', '.join(':' + k for k in params)})"), params
        ).all()
        conn.rollback()
    return {row.target_id: Note(*row) for row in rows}


def save_note(engine: Engine, target: Target, note_text: str) -> Note | None:
    """Replace the target's note with `note_text` (trailing blank lines dropped); empty text deletes it.
    The note after, or None when there is none."""
    body = note_text.strip("\n").rstrip()
    if not body.strip():
        delete_note(engine, target.id)
        return None
    if len(body) > 100_000:
        raise LearnError(f"the note on {target.id} is {len(body):,} characters; keep a note under 100,000")
    now = utc_now()
    with write_connection(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO note (target_id, kind, text, created_at, updated_at) VALUES (:id, :kind, :text, :now, :now) "
                "ON CONFLICT(target_id) DO UPDATE SET kind = :kind, text = :text, updated_at = :now"
            ),
            {"id": target.id, "kind": target.kind, "text": body, "now": now},
        )
        row = conn.execute(text(f"SELECT {_COLUMNS} FROM note WHERE target_id = :id"), {"id": target.id}).one()
    return Note(*row)


def delete_note(engine: Engine, target_id: str) -> bool:
    """True if there was a note to delete."""
    with write_connection(engine) as conn:
        return conn.execute(text("DELETE FROM note WHERE target_id = :id"), {"id": target_id}).rowcount > 0
