"""A module's notes, tables and resources as one Markdown document, and every link it holds."""

from __future__ import annotations

from dataclasses import dataclass

from app.module_view import ItemView, ModuleView


@dataclass(frozen=True)
class Link:
    title: str
    url: str


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def notes_markdown(view: ModuleView) -> str:
    parts: list[str] = []
    if view.notes:
        parts.append(view.notes.strip())
    for table in view.tables:
        lines = [f"### {table['title']}", ""] if table.get("title") else []
        lines.append("| " + " | ".join(_cell(c) for c in table["columns"]) + " |")
        lines.append("|" + "|".join("---" for _ in table["columns"]) + "|")
        lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table["rows"]]
        parts.append("\n".join(lines))
    for group in view.resources:
        lines = [f"### {group.get('title') or 'Resources'}", ""]
        for entry in group["entries"]:
            lines.append(f"- [{entry['text']}]({entry['url']})" if entry.get("url") else f"- {entry['text']}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def item_links(item: ItemView) -> list[Link]:
    return [Link(link.get("title") or link["url"], link["url"]) for link in item.links if link.get("url")]


def module_links(view: ModuleView) -> list[Link]:
    """The resources' links, then every item's, each URL once."""
    found: dict[str, Link] = {}
    for group in view.resources:
        for entry in group["entries"]:
            if entry.get("url"):
                found.setdefault(entry["url"], Link(entry["text"], entry["url"]))
    for item, _ in view.walk():
        for link in item_links(item):
            found.setdefault(link.url, link)
    return list(found.values())
