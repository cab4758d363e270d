"""`/`: find any checklist item across the curriculum (app.search), enter opens its module there."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from app.relative_time import module_heading as module_label
from app.search import ItemHit, search_items
from app.tui.render import hanging, inline_markdown, status_mark

LIMIT = 50


class SearchScreen(ModalScreen[ItemHit | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="cancel"),
        Binding("down", "focus_results", "Results", show=False),
    ]

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[ItemHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Label("Search items (every word must match)", classes="dialog-title")
            yield Input(self.initial, placeholder="e.g. kv cache", id="search-input")
            yield OptionList(id="search-results")
            yield Label("", id="search-count", classes="dim")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = self.app.cursor_blink  # type: ignore[attr-defined]
        self.query_one(Input).focus()
        if self.initial:
            self.run_search(self.initial)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    def run_search(self, query: str) -> None:
        engine = self.app.engine  # type: ignore[attr-defined]
        self.hits = search_items(engine, query, limit=LIMIT)
        results = self.query_one(OptionList)
        width = (results.scrollable_content_region.width or self.app.size.width - 12) - 2
        console = self.app.console
        results.set_options(
            Option(
                hanging(
                    Text.assemble(status_mark(hit.status), " "),
                    inline_markdown(hit.text)
                    + Text(f"\n{module_label(hit.module_id)} · {hit.module_title}", style="dim"),
                    width,
                    console,
                ),
                id=str(n),
            )
            for n, hit in enumerate(self.hits)
        )
        if self.hits:
            results.highlighted = 0
        count = (
            ""
            if not query.strip()
            else (f"{len(self.hits)}{'+' if len(self.hits) == LIMIT else ''} found" if self.hits else "nothing found")
        )
        self.query_one("#search-count", Label).update(count)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one(OptionList)
        if self.hits:
            self.dismiss(self.hits[results.highlighted or 0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])

    def action_focus_results(self) -> None:
        if self.hits:
            self.query_one(OptionList).focus()
