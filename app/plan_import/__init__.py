"""Markdown study plan -> curriculum track (``learn import PLAN.md``). UI-free.

    plan = import_plan(Path("plan.md").read_text(), source="plan.md", taken_ids=existing_ids)
    plan.track        # app.curriculum.schema.Track
    plan.yaml_text    # the curriculum file, with comments for what was merged or dropped
    plan.dropped      # [(plan line, reason), ...]

The rules it follows are in ``app/plan_import/outline.py``'s docstring.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from app.curriculum.schema import Track, check_track_id
from app.plan_import.mojibake import fix_mojibake
from app.plan_import.outline import OutlineBuilder, section_kind, to_tree
from app.plan_import.scan import scan
from app.plan_import.yaml_writer import Comment, track_to_yaml, tree_to_yaml, without_comments

__all__ = [
    "Comment",
    "ImportedPlan",
    "PlanImportError",
    "fix_mojibake",
    "import_plan",
    "section_kind",
    "track_to_yaml",
    "tree_to_yaml",
]


class PlanImportError(ValueError):
    """The plan has nothing to import; the message is one line and names the plan line."""


@dataclass
class ImportedPlan:
    track: Track
    yaml_text: str
    dropped: list[tuple[int, str]] = field(default_factory=list)  # (plan line, reason)


def import_plan(
    markdown: str,
    *,
    source: str,
    track_id: str | None = None,
    title: str | None = None,
    taken_ids: Collection[str] = (),
) -> ImportedPlan:
    """Turn a markdown study plan into a track and its YAML text (see ``outline.py`` for the rules)."""
    if track_id is not None:
        try:
            check_track_id(track_id)
        except ValueError as exc:
            raise PlanImportError(f"{exc}; give another with --track") from None
    blocks = scan(markdown)
    if not blocks:
        raise PlanImportError(f"{source} line 1: the plan is empty, there is nothing to import")
    draft = OutlineBuilder(blocks, source=source).build()
    if draft.item_count == 0 and draft.entry_count == 0:
        first = blocks[0]
        raise PlanImportError(
            f"{source} line {first.line}: no list items in the plan (checkbox '- [ ]', numbered '1.' "
            f"or bullet '-' lines) from here to line {max(b.end_line or b.line for b in blocks)}"
        )
    if title:
        draft.title = title  # for plans whose first heading is not their title
    tree, dropped = to_tree(draft, track_id=track_id, taken_ids=taken_ids)
    track = Track.model_validate(without_comments(tree))
    header = [
        f"Track {track.title!r}, imported from {source} by `learn import`.",
        "Ids are stable: progress is kept by id, so edit texts freely but keep the ids.",
    ]
    if dropped:
        header.append(f"{len(dropped)} plan line(s) merged or dropped: see the 'plan line N' comments.")
    return ImportedPlan(track=track, yaml_text=tree_to_yaml(tree, header=header), dropped=dropped)
