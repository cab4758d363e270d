"""Markdown plan text -> a flat list of blocks (headings, list lines, paragraphs, tables, code, rules).

Line based on purpose: study plans are loose markdown (odd indentation, trailing spaces, checkboxes
written ``-  [x]``), and every block keeps the plan line it came from for ids, comments and errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from app.plan_import.mojibake import fix_mojibake
from app.terminal_text import safe_text

BlockKind = Literal["heading", "checkbox", "numbered", "bullet", "text", "table", "code", "rule", "quote", "image"]

_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-{2,})\s*$")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_CHECKBOX = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+\[([ xX])\](?=\s|$)\s*(.*)$")
_NUMBERED = re.compile(r"^(\s*)\d+[.)](?:\s+(.*))?$")
_BULLET = re.compile(r"^(\s*)[-*+](?:\s+(.*))?$")
_QUOTE = re.compile(r"^\s*>\s?(.*)$")
_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass
class Block:
    kind: BlockKind
    line: int  # 1-based plan line of the block's first line
    text: str = ""  # heading title, list line content, paragraph line, fence info
    indent: int = 0  # list marker indentation (tabs count 4)
    level: int = 0  # heading level
    checked: bool = False  # checkbox [x]
    rows: list[list[str]] = field(default_factory=list)  # table rows (separator row removed)
    lines: list[str] = field(default_factory=list)  # code block lines
    end_line: int = 0  # last plan line of a table or code block


def split_row(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", inner)]


def scan(markdown: str) -> list[Block]:
    """Classify every non-blank line; blank lines are dropped (``Block.line`` keeps positions)."""
    # Only a newline ends a line: str.splitlines would also split an item at U+2028, NEL or a form feed.
    # Control characters (an ESC sequence) never reach the YAML or the terminal.
    lines = (
        [
            safe_text(fix_mojibake(line.expandtabs(4).rstrip()), one_line=True).rstrip()
            for line in _NEWLINE.split(markdown.removesuffix("\n").removesuffix("\r"))
        ]
        if markdown
        else []
    )
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    _blank_front_matter(lines)
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        line, no = lines[i], i + 1
        i += 1
        if not line.strip():
            continue
        if line.lstrip().startswith("<!--"):  # an HTML comment: not plan content
            while "-->" not in line and i < len(lines):
                line, i = lines[i], i + 1
            continue
        if m := _FENCE.match(line):
            fence, body = m.group(2), []
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i])
                i += 1
            i += 1  # the closing fence (or end of file)
            indent = len(m.group(1))
            body = [b[indent:] if b[:indent].isspace() else b.lstrip() for b in body]
            blocks.append(Block("code", no, text=m.group(3).strip(), indent=indent, lines=body, end_line=i))
            continue
        if m := _HEADING.match(line):
            blocks.append(Block("heading", no, text=(m.group(2) or "").strip(), level=len(m.group(1))))
            continue
        if m := _CHECKBOX.match(line):
            checked = m.group(2) != " "
            blocks.append(Block("checkbox", no, text=m.group(3), indent=len(m.group(1)), checked=checked))
            continue
        if _RULE.match(line):
            blocks.append(Block("rule", no))
            continue
        if _TABLE_ROW.match(line):
            rows = [split_row(line)]
            while i < len(lines) and _TABLE_ROW.match(lines[i]):
                if not _TABLE_SEPARATOR.match(lines[i]):
                    rows.append(split_row(lines[i]))
                i += 1
            blocks.append(Block("table", no, rows=rows, end_line=i))
            continue
        if m := _NUMBERED.match(line):
            blocks.append(Block("numbered", no, text=m.group(2) or "", indent=len(m.group(1))))
            continue
        if m := _BULLET.match(line):
            blocks.append(Block("bullet", no, text=m.group(2) or "", indent=len(m.group(1))))
            continue
        if m := _QUOTE.match(line):
            blocks.append(Block("quote", no, text=m.group(1).strip()))
            continue
        if _IMAGE.match(line):
            blocks.append(Block("image", no, text=line.strip()))
            continue
        if i < len(lines) and (m := _SETEXT.match(lines[i])) and not _RULE.match(line):
            i += 1
            blocks.append(Block("heading", no, text=line.strip(), level=1 if m.group(1)[0] == "=" else 2))
            continue
        blocks.append(Block("text", no, text=line.strip(), indent=len(line) - len(line.lstrip())))
    return blocks


def _blank_front_matter(lines: list[str]) -> None:
    """Blank a leading YAML front matter block (``---`` ... ``---``) in place: metadata, not plan."""
    if not lines or lines[0].strip() != "---":
        return
    for end in range(1, min(len(lines), 60)):
        if lines[end].strip() in ("---", "..."):
            body = lines[1:end]
            if body and all(not b.strip() or re.match(r"^\s*[\w-]+\s*:|^\s+|^\s*-\s", b) for b in body):
                lines[: end + 1] = [""] * (end + 1)
            return
