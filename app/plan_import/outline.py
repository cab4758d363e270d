"""Scanned plan blocks -> a draft outline (categories > modules > sections > items), then ids.

The rules, general on purpose (they came from the learner's plans but name none of them):

* Title: the first H1, else the first plain line before any heading, else the file name.
* Heading levels map by rank to what the plan uses: one level -> modules of one category; two ->
  categories > modules; three or more -> categories > modules > sections. An H1 title with other
  H1s beside it also opens the first group. "Module 0.1: Core ..." gives module id "0.1".
* A one-line plain or bold label directly followed by a list, table or code block titles it (a new
  section, a resources group, a table title, a log template).
* Items: every checkbox and numbered line at any depth. Plain bullets: in a plan without checkboxes,
  items up to depth 2 and notes of their item below that; in a plan with checkboxes, notes of the
  item they sit under, or module resources when under no item.
* Paragraphs: before any heading -> track description; under a category heading -> its
  description; a lone bold line first under a module heading -> its summary; else module notes.
* Tables -> module tables, except progress tables (derived data: dropped, recorded). A code block
  under a log/template heading or label -> the track's log template.
* Empty items and empty sections are dropped and duplicate sibling items merged, each recorded in
  ``dropped`` and as a comment at its place in the YAML.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from app.plan_import.ids import IdAllocator, short_title_slug, split_numbered_title
from app.plan_import.inline import LinkRef, collapse_spaces, find_links, parse_inline, strip_markup
from app.plan_import.scan import Block
from app.plan_import.yaml_writer import Comment

LIST_KINDS = ("checkbox", "numbered", "bullet")

_KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        ("capstone", r"\bcapstone\b"),
        ("milestones", r"\bmilestones?\b"),
        ("concepts", r"\bconcepts?\b"),
        ("checks", r"\bknowledge checks?\b|\bchecks\b|\bexercises?\b|\bquiz(zes)?\b|\bself[- ]study\b"),
        ("deliverables", r"\bdeliverables?\b"),
        ("drills", r"\bdrills?\b|\bfluency\b|\bflashcards?\b"),
        ("standards", r"\bstandards?\b"),
        ("papers", r"\bpapers?\b|\bpantheon\b|\breading list\b"),
        ("resources", r"\breferences?\b|\bresources?\b|\bfurther reading\b|\blinks\b|\barsenal\b|\btools\b"),
    ]
]
_PROGRESS_TITLE = re.compile(r"\b(progress|dashboard)\b", re.IGNORECASE)
_PROGRESS_BAR = re.compile(r"[█▓▒░■□]{3,}")
_LOG_TITLE = re.compile(r"\b(captain'?s log|log|journal|template|entry)\b", re.IGNORECASE)
_LONE_BOLD = re.compile(r"^(\*\*|__)(?P<text>[^*_].*?)\1:?$")


def section_kind(*titles: str | None) -> str | None:
    """The section kind a title names ("Knowledge Checks" -> checks), trying each title in turn."""
    for title in titles:
        for kind, pattern in _KIND_RULES:
            if title and pattern.search(title):
                return kind
    return None


@dataclass
class DraftItem:
    line: int
    text: str
    depth: int
    numbered: bool
    status: str | None = None
    notes: list[str] = field(default_factory=list)
    note_lines: list[str] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)
    children: list[DraftItem | Comment] = field(default_factory=list)


@dataclass
class DraftSection:
    line: int
    title: str | None
    explicit: bool
    items: list[DraftItem | Comment] = field(default_factory=list)
    consumed: bool = False  # its title went to a table or a resources group


@dataclass
class DraftModule:
    line: int
    title: str
    number: str | None
    implicit: bool
    summary: str | None = None
    notes: list[str] = field(default_factory=list)
    sections: list[DraftSection | Comment] = field(default_factory=list)
    tables: list[dict[str, Any]] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)
    fresh: bool = True  # nothing under the heading yet


@dataclass
class DraftCategory:
    line: int
    title: str
    implicit: bool
    description: list[str] = field(default_factory=list)
    modules: list[DraftModule | Comment] = field(default_factory=list)
    accounted: bool = False  # its content went elsewhere (log template) or was recorded as dropped


# Items nest through `children`, two YAML levels each: deeper than this, the written YAML would pass the
# loader's nesting cap (64 levels) and be refused on the next sync; far deeper, Python's recursion limit.
MAX_ITEM_DEPTH = 20


@dataclass
class _Open:
    """An open list line on the nesting stack."""

    indent: int
    kind: str  # item | note | resource
    item: DraftItem | None = None
    level: int = 0  # note nesting level


@dataclass
class Draft:
    title: str
    source: str
    description: list[str] = field(default_factory=list)
    log_template: str | None = None
    log_comments: list[str] = field(default_factory=list)
    top_comments: list[str] = field(default_factory=list)
    categories: list[DraftCategory] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    item_count: int = 0
    entry_count: int = 0


def _norm(text: str) -> str:
    return collapse_spaces(text).casefold()


class OutlineBuilder:
    def __init__(self, blocks: list[Block], *, source: str) -> None:
        self.blocks = blocks
        self.has_checkboxes = any(b.kind == "checkbox" for b in blocks)
        self.skip: set[int] = set()
        title, title_index, title_structural = self._find_title(source)
        if title_index is not None and not title_structural:
            self.skip.add(title_index)
        self.draft = Draft(title=title, source=source)
        levels = sorted({b.level for i, b in enumerate(blocks) if b.kind == "heading" and i not in self.skip})
        roles = ["module"] if len(levels) == 1 else ["category", "module"] + ["section"] * max(0, len(levels) - 2)
        self.roles = dict(zip(levels, roles))
        self.cat: DraftCategory | None = None
        self.mod: DraftModule | None = None
        self.sec: DraftSection | None = None
        self.stack: list[_Open] = []
        self.group: dict[str, Any] | None = None  # the resources group being filled
        self.label: tuple[str, int] | None = None  # (text, line) of a label waiting for its list
        self.heading: str | None = None  # the latest heading title
        self.started = False  # a structural heading or an item was seen
        self._line = 1  # plan line of the block being read

    def _find_title(self, source: str) -> tuple[str, int | None, bool]:
        blocks = self.blocks
        h1 = [i for i, b in enumerate(blocks) if b.kind == "heading" and b.level == 1 and b.text]
        if h1:
            return strip_markup(blocks[h1[0]].text), h1[0], len(h1) > 1
        for i, b in enumerate(blocks):
            if b.kind == "heading":
                break
            if b.kind == "text":
                return strip_markup(b.text).rstrip(":").strip() or b.text, i, False
        stem = PurePath(source).stem.replace("_", " ").replace("-", " ").strip()
        return stem or "Imported plan", None, False

    # -- containers ---------------------------------------------------------------------------

    def _category(self) -> DraftCategory:
        if self.cat is None:
            self.cat = DraftCategory(line=self._line, title=self.draft.title, implicit=True)
            self.draft.categories.append(self.cat)
        return self.cat

    def _module(self) -> DraftModule:
        if self.mod is None:
            cat = self._category()
            self.mod = DraftModule(line=self._line, title=cat.title, number=None, implicit=True)
            cat.modules.append(self.mod)
        return self.mod

    def _section(self, label: tuple[str, int] | None) -> DraftSection:
        mod = self._module()
        if label is not None:
            self.sec = DraftSection(line=label[1], title=label[0], explicit=True)
            mod.sections.append(self.sec)
        elif self.sec is None or self.sec.consumed:
            self.sec = DraftSection(line=self._line, title=None, explicit=False)
            mod.sections.append(self.sec)
        mod.fresh = False
        return self.sec

    def _resources(self, label: tuple[str, int] | None) -> dict[str, Any]:
        mod = self._module()
        if label is not None or self.group is None:
            title = label[0] if label else None
            if title is None and self.sec is not None and self.sec.explicit and not self.sec.items:
                title, self.sec.consumed = self.sec.title, True
            self.group = {"title": title, "entries": []}
            mod.resources.append(self.group)
        mod.fresh = False
        return self.group

    def _drop(self, line: int, reason: str, place: list[Any] | None) -> None:
        self.draft.dropped.append((line, reason))
        comment = f"plan line {line}: {reason}"
        if place is None:
            self.draft.top_comments.append(comment)
        else:
            place.append(Comment(comment))
        if self.cat is not None:
            self.cat.accounted = True

    # -- blocks -------------------------------------------------------------------------------

    def build(self) -> Draft:
        i = 0
        while i < len(self.blocks):
            block = self.blocks[i]
            self._line = block.line
            if i in self.skip:
                i += 1
                continue
            nxt = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
            if block.kind == "heading":
                self._on_heading(block)
            elif block.kind in LIST_KINDS:
                self._on_list(block)
            elif block.kind == "table":
                self._on_table(block)
            elif block.kind == "code":
                self._on_code(block)
            elif block.kind == "rule":
                pass
            else:  # text, quote, image
                i = self._on_text(i, nxt)
            i += 1
        return self.draft

    def _on_heading(self, block: Block) -> None:
        self.stack.clear()
        self.label = self.group = None
        title = strip_markup(block.text)
        if not title:
            return
        self.heading = title
        self.started = True
        role = self.roles.get(block.level, "section")
        if role == "category":
            self.cat = DraftCategory(line=block.line, title=title, implicit=False)
            self.draft.categories.append(self.cat)
            self.mod = self.sec = None
        elif role == "module":
            cat = self._category()
            number, rest = split_numbered_title(title)
            self.mod = DraftModule(line=block.line, title=rest, number=number, implicit=False)
            cat.modules.append(self.mod)
            self.sec = None
        else:
            mod = self._module()
            mod.fresh = False
            self.sec = DraftSection(line=block.line, title=title, explicit=True)
            mod.sections.append(self.sec)

    def _take_label(self, block: Block) -> tuple[str, int] | None:
        label, self.label = self.label, None
        return label if label and label[1] == block.line - 1 else None

    def _nearest_item(self) -> DraftItem | None:
        for entry in reversed(self.stack):
            if entry.item is not None:
                return entry.item
        return None

    def _on_list(self, block: Block) -> None:
        label = self._take_label(block)
        self.started = True
        if label is not None:
            self.stack.clear()
        while self.stack and self.stack[-1].indent >= block.indent:
            self.stack.pop()
        top = self.stack[-1] if self.stack else None
        parent = top.item if top is not None else None
        if block.kind == "bullet":
            if self.has_checkboxes:
                kind = "note" if parent is not None else "resource"
            elif parent is None:
                kind = "item"
            else:
                kind = "item" if top.kind == "item" and parent.depth < 2 else "note"
        else:
            kind = "item"
        if kind == "note":
            assert parent is not None and top is not None
            level = top.level + 1 if top.kind == "note" else 0
            if not block.text.strip():
                self._drop(block.line, "empty list item dropped", parent.children)
            else:
                parent.note_lines.append(f"{'  ' * level}- {collapse_spaces(block.text)}")
            self.stack.append(_Open(block.indent, "note", parent, level))
        elif kind == "resource":
            group = self._resources(label)
            text, links = find_links(block.text)
            text = collapse_spaces(text)
            if not text:
                self._drop(block.line, "empty list item dropped", group["entries"])
            else:
                entry: dict[str, Any] = {"text": text}
                if links:
                    entry["url"] = links[0].url
                group["entries"].append(entry)
                self.draft.entry_count += 1
            self.stack.append(_Open(block.indent, "resource"))
        else:
            self.group = None
            self._add_item(block, parent, label)

    def _add_item(self, block: Block, parent: DraftItem | None, label: tuple[str, int] | None) -> None:
        siblings = parent.children if parent is not None else self._section(label).items
        parsed = parse_inline(block.text)
        if not parsed.text:
            what = "checkbox" if block.kind == "checkbox" else "list item"
            self._drop(block.line, f"empty {what} dropped", siblings)
            if parent is not None:
                self.stack.append(_Open(block.indent, "item", parent))
            return
        status = "done" if block.checked else parsed.status
        for sibling in siblings:
            if isinstance(sibling, DraftItem) and _norm(sibling.text) == _norm(parsed.text):
                new_links = [link for link in parsed.links if all(link.url != s.url for s in sibling.links)]
                sibling.links.extend(new_links)
                sibling.notes.extend(n for n in parsed.notes if n not in sibling.notes)
                if status == "done" or (status == "in_progress" and sibling.status is None):
                    sibling.status = status
                kept = "; its link kept" if new_links else ""
                self._drop(block.line, f"duplicate of line {sibling.line} merged into it{kept}", siblings)
                self.stack.append(_Open(block.indent, "item", sibling))
                return
        depth = parent.depth + 1 if parent is not None else 1
        if depth > MAX_ITEM_DEPTH:
            from app.plan_import import PlanImportError

            raise PlanImportError(
                f"{self.draft.source} line {block.line}: a list nested more than {MAX_ITEM_DEPTH} levels deep; "
                "indent it less (a curriculum item holds at most that many levels)"
            )
        item = DraftItem(
            line=block.line,
            text=parsed.text,
            depth=depth,
            numbered=block.kind == "numbered",
            status=status,
            notes=list(parsed.notes),
            links=list(parsed.links),
        )
        siblings.append(item)
        self.draft.item_count += 1
        self.stack.append(_Open(block.indent, "item", item))

    def _on_table(self, block: Block) -> None:
        label = self._take_label(block)
        self.stack.clear()
        self.group = None
        title = label[0] if label else None
        sec = self.sec
        if title is None and sec is not None and sec.explicit and not sec.items and not sec.consumed:
            title, sec.consumed = sec.title, True
        title = title or self.heading
        rows = [[strip_markup(cell) for cell in row] for row in block.rows]
        cells = [cell for row in block.rows for cell in row]
        if any(_PROGRESS_TITLE.search(t or "") for t in (title, self.heading)) or any(
            _PROGRESS_BAR.search(c) for c in cells
        ):
            name = f'"{title}" table' if title else "progress table"
            self._drop(block.line, f"{name} dropped: progress is derived data, the app computes it", None)
            return
        mod = self._module()
        mod.fresh = False
        columns, body = rows[0], rows[1:]
        body = [(row + [""] * len(columns))[: len(columns)] for row in body]
        table: dict[str, Any] = {"title": title, "columns": columns, "rows": body}
        mod.tables.append({k: v for k, v in table.items() if v is not None})

    def _on_code(self, block: Block) -> None:
        label = self._take_label(block)
        fenced = "\n".join([f"```{block.text}", *block.lines, "```"])
        item = self._nearest_item()
        if item is not None and self.stack and block.indent > self.stack[0].indent:
            item.notes.append(fenced)
            return
        self.stack.clear()
        titles = [label[0] if label else None, self.heading]
        if self.draft.log_template is None and any(_LOG_TITLE.search(t or "") for t in titles):
            self.draft.log_template = "\n".join(block.lines).rstrip("\n") + "\n"
            what = f' ("{label[0]}")' if label else ""
            lines = f"plan lines {block.line}-{block.end_line}"
            self.draft.log_comments.append(f"{lines}: the log entry template{what}")
            if self.cat is not None:
                self.cat.accounted = True
            return
        mod = self._module()
        mod.fresh = False
        mod.notes.append(f"**{label[0]}**\n\n{fenced}" if label else fenced)

    def _on_text(self, i: int, nxt: Block | None) -> int:
        """Handle a paragraph starting at block ``i``; return the index of its last block."""
        block = self.blocks[i]
        item = self._nearest_item()
        if block.kind == "text" and item is not None and self.stack and block.indent > self.stack[0].indent:
            item.notes.append(block.text)
            return i
        self.stack.clear()
        self.group = None
        if (
            block.kind == "text"
            and nxt is not None
            and nxt.line == block.line + 1
            and nxt.kind in (*LIST_KINDS, "table", "code")
        ):
            self.label = (strip_markup(block.text).rstrip(":").strip(), block.line)
            return i
        lines = [self._paragraph_line(block)]
        while i + 1 < len(self.blocks):
            following = self.blocks[i + 1]
            if following.kind not in ("text", "quote") or following.line != self.blocks[i].line + 1:
                break
            if following.kind == "text" and i + 2 < len(self.blocks):
                after = self.blocks[i + 2]
                if after.line == following.line + 1 and after.kind in (*LIST_KINDS, "table", "code"):
                    break  # the next line is a label of its own
            i += 1
            lines.append(self._paragraph_line(following))
        paragraph = "\n".join(lines)
        if not self.started:
            self.draft.description.append(paragraph)
        elif self.mod is None and self.cat is not None:
            self.cat.description.append(paragraph)
        else:
            mod = self._module()
            bold = _LONE_BOLD.match(paragraph)
            if mod.fresh and mod.summary is None and bold and "\n" not in paragraph:
                mod.summary = bold.group("text").strip()
            else:
                mod.notes.append(paragraph)
            mod.fresh = False
        return i

    @staticmethod
    def _paragraph_line(block: Block) -> str:
        return f"> {block.text}" if block.kind == "quote" else block.text


# -- ids and the output tree ------------------------------------------------------------------


def _item_tree(item: DraftItem, module_id: str, ids: IdAllocator, parent: DraftItem | None = None) -> dict[str, Any]:
    item_id = ids.item_id(module_id, item.text, parent.text if parent else None)
    node: dict[str, Any] = {"id": item_id, "text": item.text}
    if item.status:
        node["status"] = item.status
    notes = list(item.notes)
    if item.note_lines:
        notes.append("\n".join(item.note_lines))
    if notes:
        node["notes"] = "\n\n".join(notes)
    if item.links:
        node["links"] = [
            {"title": link.title, "url": link.url} if link.title and link.title != item.text else {"url": link.url}
            for link in item.links
        ]
    children = [c if isinstance(c, Comment) else _item_tree(c, module_id, ids, item) for c in item.children]
    if children:
        node["children"] = children
    return node


def _count_numbered(items: list[DraftItem | Comment]) -> tuple[int, int]:
    real = [i for i in items if isinstance(i, DraftItem)]
    return sum(i.numbered for i in real), len(real)


def to_tree(
    draft: Draft, *, track_id: str | None, taken_ids: Collection[str]
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """Assign ids and build the YAML tree (dicts in schema key order, comments in place)."""
    track_id = track_id or short_title_slug(draft.title) or "track"
    ids = IdAllocator(taken_ids, prefix=track_id)
    dropped = list(draft.dropped)
    description = list(draft.description)
    categories: list[dict[str, Any]] = []
    category_ids: set[str] = set()

    def record(line: int, reason: str, place: list[Any]) -> None:
        dropped.append((line, reason))
        place.append(Comment(f"plan line {line}: {reason}"))

    for cat in draft.categories:
        modules: list[Any] = []
        for mod in cat.modules:
            if isinstance(mod, Comment):
                modules.append(mod)
                continue
            sections: list[Any] = []
            kept_sections: list[tuple[DraftSection, list[Any]]] = []
            for sec in mod.sections:
                if isinstance(sec, Comment):
                    sections.append(sec)
                elif any(isinstance(i, DraftItem) for i in sec.items):
                    placeholder: list[Any] = []
                    sections.append(placeholder)
                    kept_sections.append((sec, placeholder))
                elif sec.explicit and not sec.consumed:
                    record(sec.line, f'empty section "{sec.title}" dropped', sections)
                else:
                    sections.extend(i for i in sec.items if isinstance(i, Comment))
            groups = [g for g in mod.resources if any(isinstance(e, dict) for e in g["entries"])]
            has_content = kept_sections or mod.tables or groups or mod.notes or mod.summary
            if not has_content:
                if not mod.implicit:
                    record(mod.line, f'empty module "{mod.title}" dropped', modules)
                continue
            module_id = ids.module_id(mod.number or short_title_slug(mod.title) or "module")
            for sec, placeholder in kept_sections:
                numbered, total = _count_numbered(sec.items)
                kind = section_kind(sec.title) if sec.title else None
                if kind is None and not sec.explicit:
                    kind = section_kind(mod.title, cat.title)
                if kind is None:
                    kind = "topics" if numbered * 2 > total else "checklist"
                node: dict[str, Any] = {"kind": kind}
                if sec.title:
                    node["title"] = sec.title
                node["items"] = [i if isinstance(i, Comment) else _item_tree(i, module_id, ids) for i in sec.items]
                placeholder.append(node)
            module: dict[str, Any] = {"id": module_id, "title": mod.title}
            if mod.summary:
                module["summary"] = mod.summary
            if mod.notes:
                module["notes"] = "\n\n".join(mod.notes)
            flat: list[Any] = []
            for entry in sections:
                flat.extend(entry if isinstance(entry, list) else [entry])
            if flat:
                module["sections"] = flat
            if mod.tables:
                module["tables"] = mod.tables
            if groups:
                module["resources"] = [{k: v for k, v in g.items() if v is not None} for g in groups]
            modules.append(module)
        if not any(isinstance(m, dict) for m in modules):
            if cat.description:
                description.append(f"**{cat.title}:** " + "\n\n".join(cat.description))
            elif not cat.implicit and not cat.accounted:
                dropped.append((cat.line, f'empty heading "{cat.title}" dropped'))
                draft.top_comments.append(f'plan line {cat.line}: empty heading "{cat.title}" dropped')
            draft.top_comments.extend(m.text for m in modules if isinstance(m, Comment))
            continue
        base = short_title_slug(cat.title) or "category"
        cat_id, n = base, 2
        while cat_id in category_ids:
            cat_id, n = f"{base}-{n}", n + 1
        category_ids.add(cat_id)
        category: dict[str, Any] = {"id": cat_id, "title": cat.title}
        if cat.description:
            category["description"] = "\n\n".join(cat.description)
        category["modules"] = modules
        categories.append(category)

    tree: dict[str, Any] = {"#": list(draft.top_comments), "id": track_id, "title": draft.title}
    if description:
        tree["description"] = "\n\n".join(description)
    tree["source"] = draft.source
    if draft.log_template:
        tree["#log_template"] = draft.log_comments
        tree["log_template"] = draft.log_template
    tree["categories"] = categories
    return tree, sorted(dropped)
