"""Opening the store: what every command and the dashboard do first."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sqlalchemy is imported by the commands that open the store, not at start-up
    from sqlalchemy import Engine


def open_store(sync: bool = True, *, decks: bool = False) -> Engine:
    """The database engine, with the curriculum synced first if its YAML changed, and the drill decks
    too when `decks` (they name curriculum items, so after it). A broken curriculum file keeps its last
    good sync, with a warning through app.notices; `learn sync` and `learn doctor` still fail on it."""
    from app import notices
    from app.curriculum.last_good import broken_file_warnings
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import get_engine

    engine = get_engine()
    if sync:
        sync_curriculum(engine, keep_broken=True)
        for line in broken_file_warnings(engine):
            notices.say(f"learn: warning: {line}")
    if decks:
        from app.drill.sync import sync_decks

        sync_decks(engine)
    return engine
