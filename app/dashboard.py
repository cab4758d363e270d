"""Progress per track, category and module: the plan's "Progress Dashboard", computed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Engine, text

from app.errors import LearnError, did_you_mean
from app.progress import EFFECTIVE_STATUS_SQL

_COUNTS_SQL = f"""
SELECT m.id AS module_id, m.title AS module_title, m.track_id, m.category_key,
       COUNT(i.id) AS total,
       COALESCE(SUM({EFFECTIVE_STATUS_SQL} = 'done'), 0) AS done,
       COALESCE(SUM({EFFECTIVE_STATUS_SQL} = 'in_progress'), 0) AS in_progress
FROM module m
LEFT JOIN item i ON i.module_id = m.id
LEFT JOIN progress p ON p.item_id = i.id
GROUP BY m.id
ORDER BY m.position
"""


@dataclass
class Counts:
    id: str
    title: str
    items_total: int = 0
    items_done: int = 0
    items_in_progress: int = 0
    modules_total: int = 0
    modules_done: int = 0

    @property
    def status(self) -> str:
        if self.items_total and self.items_done == self.items_total:
            return "Done"
        if self.items_done or self.items_in_progress:
            return "Started"
        return "Not Started"

    @property
    def fraction(self) -> float:
        return self.items_done / self.items_total if self.items_total else 0.0

    def add(self, other: Counts) -> None:
        self.items_total += other.items_total
        self.items_done += other.items_done
        self.items_in_progress += other.items_in_progress
        self.modules_total += other.modules_total
        self.modules_done += other.modules_done

    def to_json(self) -> dict:
        data = {k: v for k, v in asdict(self).items() if not isinstance(v, list)}
        data["status"] = self.status
        data["percent"] = round(100 * self.fraction, 1)
        return data


@dataclass
class ModuleProgress(Counts):
    pass


@dataclass
class CategoryProgress(Counts):
    modules: list[ModuleProgress] = field(default_factory=list)

    def to_json(self) -> dict:
        return super().to_json() | {"modules": [m.to_json() for m in self.modules]}


@dataclass
class TrackProgress(Counts):
    categories: list[CategoryProgress] = field(default_factory=list)

    def to_json(self) -> dict:
        return super().to_json() | {"categories": [c.to_json() for c in self.categories]}


def dashboard(engine: Engine, track_id: str | None = None) -> list[TrackProgress]:
    """Every track (or one), with its categories and modules, each with item and module counts."""
    with engine.connect() as conn:
        tracks = conn.execute(text("SELECT id, title FROM track ORDER BY position")).all()
        categories = conn.execute(text("SELECT key, id, track_id, title FROM category ORDER BY position")).all()
        counts = conn.execute(text(_COUNTS_SQL)).all()
        conn.rollback()
    if track_id is not None and track_id not in {t.id for t in tracks}:
        ids = [t.id for t in tracks]
        raise LearnError(f"no track '{track_id}'{did_you_mean(track_id, ids)} (tracks: {', '.join(ids) or 'none yet'})")
    by_track = {t.id: TrackProgress(t.id, t.title) for t in tracks if track_id in (None, t.id)}
    by_category: dict[str, CategoryProgress] = {}
    for c in categories:
        if c.track_id in by_track:
            by_category[c.key] = CategoryProgress(c.id, c.title)
            by_track[c.track_id].categories.append(by_category[c.key])
    for row in counts:
        category = by_category.get(row.category_key)
        if category is None:
            continue
        has_items = row.total > 0  # a module of resources only has nothing to complete
        module = ModuleProgress(
            row.module_id,
            row.module_title,
            row.total,
            row.done,
            row.in_progress,
            modules_total=int(has_items),
            modules_done=int(has_items and row.done == row.total),
        )
        category.modules.append(module)
        category.add(module)
    for track in by_track.values():
        for category in track.categories:
            track.add(category)
    return list(by_track.values())


def text_bar(fraction: float, width: int = 25) -> str:
    """The plan's completion bar: '█' for done, '░' for the rest (any progress shows one block,
    only all done fills the bar)."""
    filled = int(fraction * width)
    if fraction > 0 and filled == 0:
        filled = 1
    return "█" * filled + "░" * (width - filled)
