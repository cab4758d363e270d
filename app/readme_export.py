"""The learner's progress as GitHub markdown: the plan's dashboard table, then every checklist."""

from __future__ import annotations

from sqlalchemy import Engine, text

from app.dashboard import dashboard, text_bar
from app.module_view import module_view


def _table_row(cells: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def render_readme(engine: Engine, track_id: str | None = None, *, notes: bool = False) -> str:
    """`notes`: the learner's own notes too (learn note), as quotes under their module or item."""
    tracks = dashboard(engine, track_id)
    with engine.connect() as conn:
        modules = conn.execute(text("SELECT id, track_id FROM module ORDER BY position")).all()
        conn.rollback()
    out: list[str] = ["# Progress", ""]
    for track in tracks:
        out += [f"## {track.title}", ""]
        out += [
            _table_row(["Category", "Status", "Completion", "Modules"]),
            "|----------|--------|------------|---------|",
        ]
        for category in track.categories:
            out.append(
                _table_row(
                    [
                        f"**{category.title}**",
                        category.status,
                        text_bar(category.fraction),
                        f"{category.modules_done} / {category.modules_total}",
                    ]
                )
            )
        out.append(
            _table_row(
                [
                    "**Total**",
                    track.status,
                    text_bar(track.fraction),
                    f"**{track.modules_done} / {track.modules_total}**",
                ]
            )
        )
        out.append("")
        out.append(f"{track.items_done} of {track.items_total} items done, {track.items_in_progress} in progress.")
        out.append("")
        for module in (m for m in modules if m.track_id == track.id):
            view = module_view(engine, module.id)
            if not view.items_total:
                continue
            label = f"Module {view.id}: " if view.id[:1].isdigit() else ""
            out += [f"### {label}{view.title}", ""]
            if view.summary:
                out += [f"**{view.summary}**", ""]
            mine = {}
            if notes:
                from app.notes.store import module_notes

                mine = module_notes(engine, view.id)
                if view.id in mine:
                    out += [*(f"> {line}".rstrip() for line in mine[view.id].text.splitlines()), ""]
            for section in view.sections:
                if not section.items:
                    continue
                out += [f"#### {section.title or section.kind.capitalize()}", ""]
                stack = [(item, 0) for item in reversed(section.items)]
                while stack:
                    item, depth = stack.pop()
                    box = "[x]" if item.status == "done" else "[ ]"
                    now = " **Now**" if item.status == "in_progress" else ""
                    out.append(f"{'  ' * depth}- {box} {item.text}{now}")
                    if item.id in mine:
                        out += [f"{'  ' * (depth + 1)}> {line}".rstrip() for line in mine[item.id].text.splitlines()]
                    stack.extend((child, depth + 1) for child in reversed(item.children))
                out.append("")
    return "\n".join(out).rstrip() + "\n"
