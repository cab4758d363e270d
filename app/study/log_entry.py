"""A Captain's Log entry, composed and saved: what `learn log add` / `learn log edit` put in the
learner's editor and what the TUI's log editor puts in its text area, and how either is stored.

A new entry starts from today and a module (the one given, else the one last worked on) and is the
track's template filled with them, with what happened since the last entry as '#' comments. An
entry being edited is rendered in its template's shape, with the instructions as comments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.journal.entry import EntryDraft, LogEntry


@dataclass(frozen=True)
class Composed:
    """The text to edit, and the draft it starts from (the date and module the text may leave out)."""

    start: EntryDraft
    text: str


def compose_new(engine: Engine, module: str | None) -> Composed:
    """A new entry's text; `module` as the learner typed it (exit 2 with a suggestion if unknown)."""
    from app.journal.compose import new_entry_start

    start = new_entry_start(engine, module)
    return Composed(start, new_entry_text(engine, start))


def new_entry_text(engine: Engine, start: EntryDraft) -> str:
    """The track's template filled with the date and module of `start`, and what happened since the
    last entry as '#' comments."""
    from app.journal.activity import activity_since_last_entry
    from app.journal.entry_text import fill_template
    from app.journal.store import template_for

    return fill_template(template_for(engine, start.module_id), start, activity_since_last_entry(engine).as_comments())


def compose_edit(engine: Engine, entry: LogEntry) -> Composed:
    """A stored entry's text, in the shape of its module's template."""
    from app.journal.entry_text import INSTRUCTIONS, render_entry, template_fields
    from app.journal.store import template_for

    current = as_draft(entry)
    wanted = template_fields(template_for(engine, entry.module_id))
    return Composed(current, render_entry(current, wanted, for_editor=True) + "\n".join(INSTRUCTIONS) + "\n")


def as_draft(entry: LogEntry) -> EntryDraft:
    from app.journal.entry import EntryDraft

    return EntryDraft(entry.date, entry.module_id, entry.module_title, entry.fields, entry.body)


def save_entry(engine: Engine, draft: EntryDraft, entry: LogEntry | None = None) -> LogEntry:
    """Store `draft` as a new entry, or over `entry`; the stored entry."""
    from app.journal.store import add_entry, update_entry

    return add_entry(engine, draft) if entry is None else update_entry(engine, entry.id, draft)
