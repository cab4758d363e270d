"""Load the decks (drills/*.yaml) into SQLite in one transaction, and only when they changed.

Like the curriculum sync: drill_deck and drill_card are derived and rebuilt from scratch; the
learner's drill_review rows are never touched and join on stable card ids, so editing a card's text
keeps its history. The signature covers the deck files and the curriculum signature, because cards
name curriculum items: a curriculum edit that drops an item a card drills is reported at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

from app import locations
from app.db.engine import write_connection
from app.locations import curriculum_files, files_signature

if TYPE_CHECKING:
    from app.drill.load import DeckFile

SIGNATURE_KEY = "drills_signature"


@dataclass(frozen=True)
class DeckSyncResult:
    changed: bool
    folder: str
    decks: int = 0
    cards: int = 0
    seconds: float = 0.0


def deck_files(folder: Path) -> list[Path]:
    """The deck files of a folder, in a stable order (the same rule as curriculum files)."""
    return curriculum_files(folder) if folder.is_dir() else []


def drills_signature(folder: Path, curriculum_signature: str | None) -> str:
    """A stat per file: changes whenever a deck is added, removed or written, or the curriculum changes."""
    return files_signature(folder, curriculum_signature or "")


def deck_rows(loaded: list[DeckFile]) -> tuple[list[dict], list[dict]]:
    """The drill_deck and drill_card rows, in file and card order."""
    decks, cards = [], []
    for d_pos, deck_file in enumerate(loaded):
        deck = deck_file.deck
        decks.append(
            dict(id=deck.id, title=deck.title, description=deck.description, file=deck_file.path.name, position=d_pos)
        )
        for card in deck.cards:
            code = None
            if card.code is not None:
                code = json.dumps({"check": card.code.check, "function": card.code.function_name})
            cards.append(
                dict(
                    id=card.id,
                    deck_id=deck.id,
                    prompt=card.prompt,
                    answer=card.answer,
                    tags_json=json.dumps(card.tags),
                    items_json=json.dumps(card.items),
                    code_json=code,
                    time_limit_s=card.time_limit_s,
                    position=len(cards),
                )
            )
    return decks, cards


def _meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).scalar()
        conn.rollback()
    return value


def sync_decks(engine: Engine, folder: Path | None = None, *, force: bool = False) -> DeckSyncResult:
    """Sync the decks of `folder` (default: drills_dir()) if they or the curriculum changed.

    Call after the curriculum sync (cards are checked against its items). Raises DeckError listing
    every problem, with the database unchanged.
    """
    from app.curriculum.sync import SIGNATURE_KEY as CURRICULUM_KEY

    started = time.perf_counter()
    folder = folder or locations.drills_dir()
    signature = drills_signature(folder, _meta(engine, CURRICULUM_KEY))
    if not force and _meta(engine, SIGNATURE_KEY) == signature:
        return DeckSyncResult(changed=False, folder=str(folder))
    from sqlalchemy import delete, insert

    from app.db.models import DRILL_CONTENT_TABLES, DrillCardRow, DrillDeckRow, Meta
    from app.drill.load import load_decks

    with engine.connect() as conn:
        known_items = set(conn.execute(text("SELECT id FROM item")).scalars())
        conn.rollback()
    decks, cards = deck_rows(load_decks(folder, known_items))
    with write_connection(engine) as conn:
        for table in DRILL_CONTENT_TABLES:
            conn.execute(delete(table))
        if decks:
            conn.execute(insert(DrillDeckRow), decks)
        if cards:
            conn.execute(insert(DrillCardRow), cards)
        conn.execute(delete(Meta).where(Meta.key == SIGNATURE_KEY))
        conn.execute(insert(Meta), [dict(key=SIGNATURE_KEY, value=signature)])
    return DeckSyncResult(True, str(folder), len(decks), len(cards), time.perf_counter() - started)
