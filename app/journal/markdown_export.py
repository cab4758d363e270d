"""Entries as markdown in the plan's own format, to append under a README's "Captain's Log" heading.

The plan shows its template entry as a fenced block; each entry is written the same way, oldest
first, fields that are empty left out::

    ```
    2026-03-01: Module 0.5 - Transformer Architecture Deep Dive
    Progress: Implemented scaled dot-product attention
    Key Insight: The sqrt(d_k) keeps the softmax out of saturation
    ```
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.journal.entry import EntryDraft, LogEntry
from app.journal.entry_text import render_entry


def _fence(body: str) -> str:
    """Three backticks, or one more than the longest run of backticks the entry starts a line with."""
    runs = [len(m.group(0)) for m in re.finditer(r"^ {0,3}`{3,}", body, re.MULTILINE)]
    return "`" * max([3, *(n + 1 for n in runs)])


def entry_markdown(entry: LogEntry) -> str:
    draft = EntryDraft(entry.date, entry.module_id, entry.module_title, entry.fields, entry.body)
    body = render_entry(draft)
    fence = _fence(body)
    return f"{fence}\n{body}{fence}\n"


def entries_markdown(entries: Iterable[LogEntry]) -> str:
    """The entries, in the order given, one block each, separated by a blank line."""
    return "\n".join(entry_markdown(entry) for entry in entries)
