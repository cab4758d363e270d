"""Schema v1 -> v2: the table of the learner's own notes (app/db/models.py: NoteRow).

A step of its own (app/db/engine.py: MIGRATIONS[1]) so that it merges beside other migrations."""

from __future__ import annotations

from sqlalchemy import Connection


def add_note_table(conn: Connection) -> None:
    from app.db.models import NoteRow

    NoteRow.__table__.create(conn, checkfirst=True)
    for index in NoteRow.__table__.indexes:
        index.create(conn, checkfirst=True)
