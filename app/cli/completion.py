"""Shell completion of ids (`learn --install-completion`): modules, items, exercises, decks, tracks.

The shell runs `learn` on every Tab, so these read the database with the standard library's sqlite3,
read-only and without syncing, and import nothing heavy (no sqlalchemy, torch or textual). What the
last command synced is what completes; a missing or unreadable database completes nothing.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing


def _rows(sql: str) -> list[tuple]:
    from app import locations

    path = locations.database_path()
    if not path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.Error:
        return []


def _matching(rows: list[tuple], incomplete: str) -> list[tuple[str, str]]:
    """(id, help) for the ids that start with what was typed (case-insensitive)."""
    wanted = incomplete.lower()
    return [
        (str(ident), " ".join(str(label or "").split())[:60])
        for ident, label in rows
        if str(ident).lower().startswith(wanted)
    ]


def complete_module(incomplete: str) -> list[tuple[str, str]]:
    """Module ids; `module-0.` completes to `module-0.1` (the shell keeps what was typed)."""
    rows = _rows("SELECT id, title FROM module ORDER BY position")
    if incomplete.lower().startswith("module-"):  # the plan's spelling, for numbered modules
        rows = [(f"{incomplete[:7]}{ident}", title) for ident, title in rows if str(ident)[:1].isdigit()]
    return _matching(rows, incomplete)


def complete_item(incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows("SELECT id, text FROM item ORDER BY position"), incomplete)


def complete_module_or_item(incomplete: str) -> list[tuple[str, str]]:
    """Modules until a '/' is typed (item ids are MODULE/slug), then that module's items."""
    return complete_item(incomplete) if "/" in incomplete else complete_module(incomplete)


def complete_track(incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows("SELECT id, title FROM track ORDER BY position"), incomplete)


def complete_deck(incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows("SELECT id, title FROM drill_deck ORDER BY position"), incomplete)


def complete_exercise(incomplete: str) -> list[tuple[str, str]]:
    """Exercises from reference_impls/catalog.toml: read as data, no exercise module imported."""
    try:
        from app.verify.registry import listings

        rows = [(exercise.id, exercise.title) for exercise in listings()]
    except Exception:  # noqa: BLE001 - a broken catalog: complete nothing rather than fail the shell
        rows = []
    return _matching(rows, incomplete)


def complete_verify_target(incomplete: str) -> list[tuple[str, str]]:
    return complete_exercise(incomplete) + complete_module(incomplete)
