"""Starting a drill: the session on decks synced first, as `learn drill` and the TUI's drill screen
both open it (the learner may have edited a deck since the last sync). Grading is the session's own
(app.drill.session.DrillSession.grade)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession


def open_drill(engine: Engine, query: QueueQuery, now: datetime) -> DrillSession:
    """The session for `query` at `now`; a broken deck raises DeckError and changes nothing."""
    from app.drill.session import DrillSession
    from app.drill.sync import sync_decks

    sync_decks(engine)
    return DrillSession.open(engine, query, now)
