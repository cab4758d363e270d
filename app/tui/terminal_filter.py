"""The TUI's last line of defence: every rendered line passes `safe_text` before it reaches the terminal.

Text from YAML, plans and imports is cleaned when loaded; this filter (installed by
`LearnApp.get_line_filters`) also catches what reached the screen another way, such as a row written
into the database by an older `learn`. Textual and Rich emit their own escape codes from styles, not
from segment text, so colours and layout are untouched.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from app.terminal_text import is_safe, safe_text


class SafeText(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(segment.control or is_safe(segment.text) for segment in segments):
            return segments
        return [segment if segment.control or is_safe(segment.text) else _cleaned(segment) for segment in segments]


def _cleaned(segment: Segment) -> Segment:
    text = safe_text(segment.text, one_line=True)
    # Pad to the width the layout gave the raw text, so the rest of the line stays where it was.
    return Segment(text + " " * max(0, cell_len(segment.text) - cell_len(text)), segment.style)


SAFE_TEXT = SafeText()
