"""Schema v2 -> v3: the table of the learner's own notes (app/db/models.py: NoteRow).

A step of its own (app/db/engine.py: MIGRATIONS[2]) so that it merges beside other migrations."""

from __future__ import annotations

from sqlalchemy import Connection


def add_note_table(conn: Connection) -> None:
    from app.db.models import NoteRow

    NoteRow.__table__.create(conn, checkfirst=True)
    for index in NoteRow.__table__.indexes:
        index.create(conn, checkfirst=True)
    from app.notes.search_index import create_notes_index

    create_notes_index(conn)
