"""Load the curriculum YAML into SQLite in one transaction, and only when it changed.

The curriculum tables are rebuilt from scratch on every sync (they are derived data); the learner's
tables are never touched, and join on stable ids, so progress survives any edit of the YAML.
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
from app.locations import files_signature

if TYPE_CHECKING:
    from app.curriculum.load import TrackFile

SIGNATURE_KEY = "curriculum_signature"
CONTENT_KEY = "curriculum_content"  # digest of the rows a sync wrote: `changed` compares it


@dataclass(frozen=True)
class SyncResult:
    changed: bool
    folder: str
    tracks: int = 0
    modules: int = 0
    items: int = 0
    seconds: float = 0.0


def curriculum_signature(folder: Path) -> str:
    return files_signature(folder)


def _dump(models: list) -> str:
    return json.dumps([m.model_dump(exclude_none=True) for m in models], ensure_ascii=False)


def curriculum_rows(track_files: list[TrackFile]) -> dict[type, list[dict]]:
    """The rows of every curriculum table, in document order."""
    from app.curriculum.load import walk_items
    from app.db.models import CURRICULUM_TABLES, CategoryRow, ItemRow, ModuleRow, SectionRow, TrackRow

    rows: dict[type, list[dict]] = {table: [] for table in CURRICULUM_TABLES}
    section_id = 0
    position = 0
    for t_pos, tf in enumerate(track_files):
        track = tf.track
        rows[TrackRow].append(
            dict(
                id=track.id,
                title=track.title,
                description=track.description,
                source=track.source,
                log_template=track.log_template,
                file=tf.path.name,
                position=t_pos,
            )
        )
        for c_pos, category in enumerate(track.categories):
            key = f"{track.id}/{category.id}"
            rows[CategoryRow].append(
                dict(
                    key=key,
                    id=category.id,
                    track_id=track.id,
                    title=category.title,
                    description=category.description,
                    position=c_pos,
                )
            )
            for m_pos, module in enumerate(category.modules):
                rows[ModuleRow].append(
                    dict(
                        id=module.id,
                        track_id=track.id,
                        category_key=key,
                        title=module.title,
                        summary=module.summary,
                        notes=module.notes,
                        tables_json=_dump(module.tables),
                        resources_json=_dump(module.resources),
                        position=m_pos,
                    )
                )
                for s_pos, section in enumerate(module.sections):
                    section_id += 1
                    rows[SectionRow].append(
                        dict(id=section_id, module_id=module.id, kind=section.kind, title=section.title, position=s_pos)
                    )
                    for item, depth, parent in walk_items(section.items):
                        position += 1
                        rows[ItemRow].append(
                            dict(
                                id=item.id,
                                module_id=module.id,
                                section_id=section_id,
                                parent_id=parent,
                                depth=depth,
                                position=position,
                                text=item.text,
                                notes=item.notes,
                                links_json=_dump(item.links),
                                initial_status=item.status,
                            )
                        )
    return rows


def stored_signature(engine: Engine) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": SIGNATURE_KEY}).scalar()
        conn.rollback()
    return value


def sync_curriculum(
    engine: Engine, folder: Path | None = None, *, force: bool = False, keep_broken: bool = False
) -> SyncResult:
    """Sync the YAML of `folder` into the database if it changed (or always, with force).

    Raises CurriculumError (listing every problem) and leaves the database unchanged on bad YAML;
    with keep_broken, a file with problems keeps its last good sync instead (see last_good.py).
    `changed` says whether the curriculum tables now hold anything else than before.
    """
    started = time.perf_counter()
    folder = folder or locations.curriculum_dir()
    signature = curriculum_signature(folder) if folder.is_dir() else ""
    if not force and signature and stored_signature(engine) == signature:
        return SyncResult(changed=False, folder=str(folder))
    # Only now the heavy part: pydantic models (validation) and SQLModel tables (bulk insert).
    from sqlalchemy import delete, insert

    from app.curriculum.last_good import BROKEN_KEY, carry_broken_files, encode_problems
    from app.curriculum.load import load_curriculum, load_curriculum_by_file
    from app.db.models import CURRICULUM_TABLES, ItemRow, Meta, ModuleRow, TrackRow
    from app.locations import curriculum_files, display_path

    if keep_broken:
        track_files, problems = load_curriculum_by_file(folder)
    else:
        track_files, problems = load_curriculum(folder), []
    rows = curriculum_rows(track_files)
    with write_connection(engine) as conn:
        if problems:
            paths = curriculum_files(folder)
            broken = {p.file for p in problems}
            carry_broken_files(
                conn, rows, [p.name for p in paths if display_path(p) in broken], [p.name for p in paths]
            )
        content = _content_hash(rows)
        changed = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": CONTENT_KEY}).scalar() != content
        if changed:
            for table in CURRICULUM_TABLES:
                conn.execute(delete(table))
            for table in reversed(CURRICULUM_TABLES):
                if rows[table]:
                    conn.execute(insert(table), rows[table])
        conn.execute(delete(Meta).where(Meta.key.in_([SIGNATURE_KEY, CONTENT_KEY, BROKEN_KEY])))
        stored = [dict(key=SIGNATURE_KEY, value=signature), dict(key=CONTENT_KEY, value=content)]
        if problems:
            stored.append(dict(key=BROKEN_KEY, value=encode_problems(problems)))
        conn.execute(insert(Meta), stored)
    return SyncResult(
        changed=changed,
        folder=str(folder),
        tracks=len(rows[TrackRow]),
        modules=len(rows[ModuleRow]),
        items=len(rows[ItemRow]),
        seconds=time.perf_counter() - started,
    )


def _content_hash(rows: dict[type, list[dict]]) -> str:
    """A digest of every curriculum row: equal digests, equal tables (whatever the files' mtimes)."""
    import hashlib

    tables = {table.__tablename__: rows[table] for table in rows}
    return hashlib.sha256(json.dumps(tables, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
