"""Importing a markdown plan as a new track: the YAML written into the curriculum folder and synced,
or, when the sync refuses it, the folder left as it was (the database is unchanged then too).

Ids already in the curriculum are taken, so an imported item never collides with one of another
track; replacing a track (`force`) frees its own ids, so its items keep their ids and progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.atomic_write import write_atomically
from app.errors import LearnError

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class ImportedPlan:
    track: str  # its id
    title: str
    file: Path
    items: int
    dropped: list[tuple[int, str]]  # (plan line, why it is not an item)
    synced_items: int  # every item of the curriculum after the sync

    def to_json(self) -> dict:
        return {
            "track": self.track,
            "file": str(self.file),
            "items": self.items,
            "dropped": [{"line": n, "reason": why} for n, why in self.dropped],
            "synced_items": self.synced_items,
        }


def read_plan(plan: Path) -> str:
    try:
        return plan.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise LearnError(f"cannot read {plan}: {exc.strerror}") from None


def import_plan_text(
    engine: Engine, markdown: str, source: str, track: str | None = None, title: str | None = None, force: bool = False
) -> ImportedPlan:
    """Write the plan `markdown` (from the file named `source`) as curriculum/<track>.yaml (`force`:
    over an existing track) and sync it."""
    from sqlalchemy import text

    from app import locations
    from app.curriculum.sync import sync_curriculum
    from app.plan_import import PlanImportError, import_plan

    with engine.connect() as conn:
        taken = set(conn.execute(text("SELECT id FROM module UNION ALL SELECT id FROM item")).scalars())
        tracks = set(conn.execute(text("SELECT id FROM track")).scalars())
        conn.rollback()
    try:
        imported = import_plan(markdown, source=source, track_id=track, title=title, taken_ids=taken)
        if force and imported.track.id in tracks:
            with engine.connect() as conn:
                own = set(
                    conn.execute(
                        text(
                            "SELECT id FROM module WHERE track_id = :t UNION ALL SELECT id FROM item WHERE module_id IN "
                            "(SELECT id FROM module WHERE track_id = :t)"
                        ),
                        {"t": imported.track.id},
                    ).scalars()
                )
                conn.rollback()
            imported = import_plan(
                markdown, source=source, track_id=imported.track.id, title=title, taken_ids=taken - own
            )
    except PlanImportError as exc:
        raise LearnError(str(exc)) from None
    new_id = imported.track.id
    folder = locations.curriculum_dir()
    target = folder / f"{new_id}.yaml"
    if target.parent.resolve() != folder.resolve():  # the slug check makes this impossible; keep it so
        raise LearnError(f"track id {new_id!r} would write outside {folder}; give a slug with --track")
    if new_id in tracks and not force:
        raise LearnError(f"a track '{new_id}' exists already; choose another id with --track, or --force to replace it")
    if target.exists() and not force:
        raise LearnError(f"{target} exists; choose another id with --track, or --force to replace it")
    previous = target.read_bytes() if target.exists() else None
    write_atomically(target, imported.yaml_text.encode("utf-8"))
    try:
        result = sync_curriculum(engine, force=True)
    except LearnError:
        # Leave things as they were: the database is unchanged, so the folder must be too.
        if previous is None:
            target.unlink()
        else:
            write_atomically(target, previous)
        raise
    return ImportedPlan(
        new_id,
        imported.track.title,
        target,
        sum(1 for _ in _walk(imported.track)),
        list(imported.dropped),
        result.items,
    )


def _walk(track):
    from app.curriculum.load import walk_items

    for category in track.categories:
        for module in category.modules:
            for section in module.sections:
                yield from walk_items(section.items)
