"""Readable, stable ids: short slugs, unique across a track and clear of ids already taken."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from app.curriculum.schema import ID_PATTERN

_STOPWORDS = frozenset("a an and the of to for in on with at by from or vs is are".split())
# "Module 0.1: Core ...", "Chapter 3 - ...", "1.2 Title": an explicit number to use as the module id.
_NUMBERED_TITLE = re.compile(
    r"^(?:(?:module|chapter|part|unit|lesson|week|day|section|step)\s+)?"
    r"(?P<number>\d+(?:\.\d+)*|[A-Z]\d*(?:\.\d+)*)\s*(?:[:.)–—-]\s*|\s+)(?P<title>\S.*)$",
    re.IGNORECASE,
)


def ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links -> their text
    text = re.sub(r"https?://", "", text)
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)  # "What's" -> "whats"
    return re.findall(r"[a-z0-9]+", text.lower())


def slug(text: str, *, max_len: int = 40, drop_stopwords: bool = False) -> str:
    """``"**Exercise 1:** Implement PCA from scratch, ..."`` -> ``"exercise-1-implement-pca-from-scratch"``."""
    words = ascii_words(text)
    if drop_stopwords:
        words = [w for w in words if w not in _STOPWORDS] or words
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > max_len:
            if not out:
                out = word[:max_len]
            break
        out = candidate
    words = out.split("-")
    while len(words) > 1 and words[-1] in _STOPWORDS:  # "...-norms-and" -> "...-norms"
        words.pop()
    return "-".join(words)


# "**Exercise 1:** ...", "**Lecture 3: Building makemore**", "Part A: ...": a numbered label names the item.
_NUMBERED_LABEL = re.compile(
    r"^(?:\*\*|__)?(?P<label>[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)? (?:\d+(?:\.\d+)*|[A-Z]))\s*(?:\*\*|__)?:"
)


# "**Objective:** Build ...", "**Data Types**: ...": a short bold label names the item.
_BOLD_LABEL = re.compile(r"^(\*\*|__)(?P<label>[^*_:]{1,50}?)\s*(?::\1|\1:)")


def item_slug(text: str) -> str:
    """The slug an item id ends with: its label ("exercise-1", "objective") or the first words of the text."""
    m = _NUMBERED_LABEL.match(text) or _BOLD_LABEL.match(text)
    if m and len(m.group("label").split()) <= 5 and slug(m.group("label")):
        return slug(m.group("label"))
    return slug(text)


def short_title_slug(title: str, *, max_words: int = 4) -> str:
    """A module or category id from its title: parentheticals and stopwords left out, a few words."""
    title = re.sub(r"\([^)]*\)", " ", title)
    words = [w for w in ascii_words(title) if w not in _STOPWORDS] or ascii_words(title)
    return "-".join(words[:max_words])[:40].strip("-")


def split_numbered_title(title: str) -> tuple[str | None, str]:
    """``"Module 0.1: Core ML"`` -> ``("0.1", "Core ML")``; a title without a number -> ``(None, title)``."""
    m = _NUMBERED_TITLE.match(title)
    if m and (m.group("number")[0].isdigit() or title.lower().startswith(("module", "chapter", "part", "unit"))):
        return m.group("number"), m.group("title").strip()
    return None, title


class IdAllocator:
    """Hands out ids unique within one import and absent from ``taken``."""

    def __init__(self, taken: Collection[str] = (), *, prefix: str = "") -> None:
        self._taken = set(taken)
        self._used: set[str] = set()
        self._prefix = prefix

    def _free(self, candidate: str) -> bool:
        return candidate not in self._used and candidate not in self._taken

    def module_id(self, base: str) -> str:
        """The base id; on collision with a taken id the track-prefixed one; then ``-2``, ``-3`` ..."""
        base = base or "module"
        candidates = [base]
        if self._prefix and not base.startswith(f"{self._prefix}-"):
            candidates.append(f"{self._prefix}-{base}")
        for candidate in candidates:
            if self._free(candidate):
                return self._claim(candidate)
        return self._numbered(candidates[-1])

    def item_id(self, module_id: str, text: str, parent_text: str | None = None) -> str:
        """``<module>/<slug>``; on collision ``<module>/<parent slug>-<slug>``, then ``-2``, ``-3`` ..."""
        base = f"{module_id}/{item_slug(text) or 'item'}"
        if self._free(base):
            return self._claim(base)
        if parent_text and item_slug(parent_text):
            nested = f"{module_id}/{item_slug(parent_text)}-{item_slug(text) or 'item'}"
            if self._free(nested):
                return self._claim(nested)
        return self._numbered(base)

    def _numbered(self, base: str) -> str:
        n = 2
        while not self._free(f"{base}-{n}"):
            n += 1
        return self._claim(f"{base}-{n}")

    def _claim(self, candidate: str) -> str:
        if not ID_PATTERN.match(candidate):  # e.g. a slug of only non-ASCII text: never expected
            raise ValueError(f"generated id {candidate!r} is not a valid id")
        self._used.add(candidate)
        return candidate
