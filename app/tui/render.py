"""Rich text for the TUI's rows: status marks, inline Markdown, progress bars, relative times."""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

from app.dashboard import text_bar

STATUS_MARK = {"done": ("✔", "green"), "in_progress": ("◐", "yellow"), "todo": ("○", "dim")}
PROGRESS_STYLE = {"Done": "green", "Started": "yellow", "Not Started": "dim"}


def status_mark(status: str) -> Text:
    mark, style = STATUS_MARK.get(status, STATUS_MARK["todo"])
    return Text(mark, style=style)


def inline_markdown(markdown: str, style: str = "") -> Text:
    """`**bold**` and `` `code` `` as styles, everything else as written (no markup injection)."""
    markup = escape(markdown)
    markup = re.sub(r"\*\*(.+?)\*\*", r"[bold]\1[/bold]", markup)
    markup = re.sub(r"`([^`]+)`", r"[cyan]\1[/cyan]", markup)
    markup = re.sub(r"(?<![*\w])\*(?![*\s])(.+?)(?<![*\s])\*(?![*\w])", r"[italic]\1[/italic]", markup)
    text = Text.from_markup(markup)
    if style:
        text.stylize(style)
    return text


def hanging(prefix: Text, body: Text, width: int, console) -> Text:
    """`prefix` then `body` wrapped to `width` cells, its later lines indented under its first."""
    indent = " " * prefix.cell_len
    lines = body.wrap(console, max(10, width - prefix.cell_len))
    out = prefix.copy()
    for n, line in enumerate(lines):
        if n:
            out.append("\n" + indent)
        line.rstrip()
        out.append_text(line)
    return out


def progress_bar(fraction: float, status: str, width: int) -> Text:
    """The plan's bar (as `learn status` draws it), colored by status, with its percentage."""
    bar = Text(text_bar(fraction, width), style=PROGRESS_STYLE.get(status, ""))
    return bar + Text(f" {100 * fraction:3.0f}%", style="dim" if status == "Not Started" else "")


def fit(text: str, width: int) -> str:
    """`text` cut to `width` cells with an ellipsis, or padded to it."""
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text.ljust(width)
