"""One module as the learner reads it: sections of items (a tree, with statuses), notes, tables, links."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine, text

from app.errors import UnknownIdError
from app.progress import EFFECTIVE_STATUS_SQL


@dataclass
class ItemView:
    id: str
    text: str
    status: str
    notes: str | None
    links: list[dict]
    updated_at: str | None
    children: list[ItemView] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)  # the exercises that tick it (learn verify)


@dataclass
class SectionView:
    kind: str
    title: str | None
    items: list[ItemView] = field(default_factory=list)


@dataclass
class ModuleView:
    id: str
    title: str
    track_id: str
    track_title: str
    category_id: str
    category_title: str
    summary: str | None
    notes: str | None
    tables: list[dict]
    resources: list[dict]
    sections: list[SectionView]
    items_total: int
    items_done: int
    items_in_progress: int

    def to_json(self) -> dict:
        return asdict(self)

    def walk(self):
        """Every item of the module, depth first, with its depth."""
        stack = [(item, 0) for section in self.sections for item in section.items][::-1]
        while stack:
            item, depth = stack.pop()
            yield item, depth
            stack.extend((child, depth + 1) for child in reversed(item.children))


def module_view(engine: Engine, module_id: str) -> ModuleView:
    """The module `module_id` (already resolved, see progress.resolve_module_id)."""
    with engine.connect() as conn:
        m = conn.execute(
            text(
                "SELECT m.*, t.title AS track_title, c.id AS category_id, c.title AS category_title FROM module m "
                "JOIN track t ON t.id = m.track_id JOIN category c ON c.key = m.category_key WHERE m.id = :id"
            ),
            {"id": module_id},
        ).first()
        if m is None:
            raise UnknownIdError("module", module_id, conn.execute(text("SELECT id FROM module")).scalars())
        sections = conn.execute(
            text("SELECT id, kind, title FROM section WHERE module_id = :id ORDER BY position"), {"id": module_id}
        ).all()
        items = conn.execute(
            text(
                f"SELECT i.id, i.section_id, i.parent_id, i.text, i.notes, i.links_json, {EFFECTIVE_STATUS_SQL} AS status, "
                "p.updated_at FROM item i LEFT JOIN progress p ON p.item_id = i.id "
                "WHERE i.module_id = :id ORDER BY i.position"
            ),
            {"id": module_id},
        ).all()
        conn.rollback()
    section_views = {s.id: SectionView(s.kind, s.title) for s in sections}
    verified_by = _exercises_by_item()
    views: dict[str, ItemView] = {}
    for row in items:
        view = ItemView(
            row.id,
            row.text,
            row.status,
            row.notes,
            json.loads(row.links_json),
            row.updated_at,
            exercises=verified_by.get(row.id, []),
        )
        views[row.id] = view
        if row.parent_id:
            views[row.parent_id].children.append(view)
        else:
            section_views[row.section_id].items.append(view)
    statuses = [row.status for row in items]
    return ModuleView(
        id=m.id,
        title=m.title,
        track_id=m.track_id,
        track_title=m.track_title,
        category_id=m.category_id,
        category_title=m.category_title,
        summary=m.summary,
        notes=m.notes,
        tables=json.loads(m.tables_json),
        resources=json.loads(m.resources_json),
        sections=list(section_views.values()),
        items_total=len(statuses),
        items_done=statuses.count("done"),
        items_in_progress=statuses.count("in_progress"),
    )


def _exercises_by_item() -> dict[str, list[str]]:
    """From the exercises' catalog (read, not imported). A broken catalog links nothing here: the
    module's exercise list says what is wrong (app.study.verify.module_exercises)."""
    from app.verify.registry import exercises_by_item

    try:
        return exercises_by_item()
    except Exception:  # noqa: BLE001 - reference_impls is the learner's to edit; the view must still show
        return {}
