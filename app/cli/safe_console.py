"""The CLI's Rich console, which prints text but never a control sequence that text carries.

Rich writes its own escape codes from styles; the text of each segment (an item's title, a journal
entry, a plan line) passes `safe_text` on the way, through a render hook that sees every
`console.print`. Text is cleaned when loaded too: this catches what reached the database another way.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment

from app.terminal_text import is_safe, safe_text


class _SafeSegments:
    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or is_safe(segment.text):
                yield segment
            else:
                yield Segment(safe_text(segment.text), segment.style)


class _SafeText(RenderHook):
    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_SafeSegments(r) for r in renderables]


def safe_console(**options: Any) -> Console:
    console = Console(**options)
    console.push_render_hook(_SafeText())
    return console
