"""One list line's text -> item text, status marker, notes and links.

"Speculative Decoding *See This*"                 -> text "Speculative Decoding", notes "See This"
"Basic distributed training **Now, see NanoGPT**" -> status in_progress, notes "see NanoGPT"
"Read [NanoGPT](https://github.com/karpathy)"     -> text "Read NanoGPT", links [{title, url}]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.curriculum.schema import Status

# A trailing bold status marker: **OK**, **Done**, **Now**, **Now, see X** (the rest becomes a note).
_MARKER = re.compile(
    r"\s*\*\*\s*(?P<word>ok|done|now|wip|in progress)\b\s*(?:[,:;–—-]\s*(?P<note>[^*]*?))?\s*\*\*\s*$",
    re.IGNORECASE,
)
_MARKER_STATUS: dict[str, Status] = {
    "ok": "done",
    "done": "done",
    "now": "in_progress",
    "wip": "in_progress",
    "in progress": "in_progress",
}
# A trailing single-star italic span preceded by text: "... *See This*" (not "**bold**").
_TRAILING_ITALIC = re.compile(r"(?<=\S)\s+\*(?=[^*\s])(?P<note>[^*]+?)(?<=[^*\s])\*\s*$")
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]\n]+)\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_BARE_URL = re.compile(r"(?<![\w/])https?://[^\s<>()\[\]]+")
_URL_TRAILING_PUNCT = ".,;:!?'\""


@dataclass
class LinkRef:
    url: str
    title: str | None = None


@dataclass
class InlineText:
    text: str
    status: Status | None = None
    notes: list[str] = field(default_factory=list)
    links: list[LinkRef] = field(default_factory=list)


def collapse_spaces(text: str) -> str:
    return " ".join(text.split())


def find_links(text: str) -> tuple[str, list[LinkRef]]:
    """Replace markdown links by their text and collect them, then collect bare URLs (kept in the text)."""
    links: list[LinkRef] = []

    def _keep_text(m: re.Match[str]) -> str:
        links.append(LinkRef(url=m.group("url"), title=m.group("text").strip()))
        return m.group("text")

    text = _MD_LINK.sub(_keep_text, text)
    for m in _BARE_URL.finditer(text):
        url = m.group(0).rstrip(_URL_TRAILING_PUNCT)
        links.append(LinkRef(url=url))
    unique: list[LinkRef] = []
    for link in links:
        if all(link.url != seen.url for seen in unique):
            unique.append(link)
    return text, unique


def parse_inline(raw: str) -> InlineText:
    """Split one list line's content (markers already past the bullet) into its parts."""
    text = collapse_spaces(raw)
    status: Status | None = None
    notes: list[str] = []
    while True:
        m = _MARKER.search(text)
        if m and text[: m.start()].strip():
            status = status or _MARKER_STATUS[m.group("word").lower()]
            if m.group("note"):
                notes.insert(0, m.group("note").strip())
            text = text[: m.start()].rstrip()
            continue
        m = _TRAILING_ITALIC.search(text)
        if m and text[: m.start()].strip():
            notes.insert(0, m.group("note").strip())
            text = text[: m.start()].rstrip()
            continue
        break
    text, links = find_links(text)
    return InlineText(text=collapse_spaces(text), status=status, notes=notes, links=links)


def strip_markup(text: str) -> str:
    """Plain text of a heading or label: no bold/italic stars, no link syntax, no backticks."""
    text = _MD_LINK.sub(lambda m: m.group("text"), text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![*\w])\*(?=\S)(.+?)(?<=\S)\*(?!\*)", r"\1", text)
    return collapse_spaces(text.replace("`", ""))
