"""A broken curriculum file keeps its last good sync: its rows are carried into the rebuilt tables.

Commands sync leniently (see `sync_curriculum(..., keep_broken=True)`): the valid files are
re-read, and each broken file's tracks, categories, modules, sections and items are copied from the
database as they were, so the learner keeps working on that track (and sees its progress) until the
typo is fixed. Its problems are stored in `meta`, and every command prints one warning line per
broken file until a sync succeeds.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, Engine, select, text

from app.errors import Problem

BROKEN_KEY = "curriculum_broken"


def carry_broken_files(conn: Connection, rows: dict[type, list[dict]], broken: list[str], order: list[str]) -> None:
    """Add to `rows` the stored rows of the tracks read from the files named in `broken`, leaving out
    any id a valid file now holds; then number positions and section ids in file `order` again."""
    from app.db.models import CategoryRow, ItemRow, ModuleRow, SectionRow, TrackRow

    def stored(table, column, values) -> list[dict]:
        if not values:
            return []
        found = conn.execute(select(table.__table__).where(table.__table__.c[column].in_(values)))
        return [dict(row._mapping) for row in found]

    taken = {table: {r[_key(table)] for r in rows[table]} for table in rows}
    tracks = [r for r in stored(TrackRow, "file", broken) if r["id"] not in taken[TrackRow]]
    track_ids = [r["id"] for r in tracks]
    categories = [r for r in stored(CategoryRow, "track_id", track_ids) if r["key"] not in taken[CategoryRow]]
    modules = [r for r in stored(ModuleRow, "track_id", track_ids) if r["id"] not in taken[ModuleRow]]
    module_ids = [r["id"] for r in modules]
    sections = stored(SectionRow, "module_id", module_ids)
    items = [r for r in stored(ItemRow, "module_id", module_ids) if r["id"] not in taken[ItemRow]]

    next_section = max((r["id"] for r in rows[SectionRow]), default=0)
    new_section_id = {}
    for section in sorted(sections, key=lambda r: r["id"]):
        next_section += 1
        new_section_id[section["id"]] = next_section
        section["id"] = next_section
    for item in items:
        item["section_id"] = new_section_id[item["section_id"]]
    for table, carried in (
        (TrackRow, tracks),
        (CategoryRow, categories),
        (ModuleRow, modules),
        (SectionRow, sections),
        (ItemRow, items),
    ):
        rows[table].extend(carried)

    # Tracks in file order, and items in document order across them, as a clean sync numbers them.
    file_rank = {name: n for n, name in enumerate(order)}
    rows[TrackRow].sort(key=lambda r: file_rank.get(r["file"], len(order)))
    track_rank = {}
    for position, track in enumerate(rows[TrackRow]):
        track["position"] = position
        track_rank[track["id"]] = position
    module_track = {m["id"]: m["track_id"] for m in rows[ModuleRow]}
    rows[ItemRow].sort(key=lambda r: (track_rank[module_track[r["module_id"]]], r["position"]))
    for position, item in enumerate(rows[ItemRow], start=1):
        item["position"] = position


def _key(table) -> str:
    return "key" if table.__tablename__ == "category" else "id"


def encode_problems(problems: list[Problem]) -> str:
    return json.dumps([[p.file, p.line, p.message] for p in problems], ensure_ascii=False)


def broken_file_warnings(engine: Engine) -> list[str]:
    """One line per curriculum file left at its last good sync: its first problem, located."""
    with engine.connect() as conn:
        value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": BROKEN_KEY}).scalar()
        conn.rollback()
    by_file: dict[str, list[Problem]] = {}
    for file, line, message in json.loads(value) if value else []:
        by_file.setdefault(file, []).append(Problem(file, line, message))
    lines = []
    for problems in by_file.values():
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        lines.append(
            f"{problems[0]}{more}; using this file's last good sync until it is fixed (`learn sync` lists every problem)"
        )
    return lines
