"""The Captain's Log: entries newest first, the highlighted one read beside them; n writes a new
entry, e edits the highlighted one (both in LogEditorScreen). Reads through app.journal.store."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from app.tui.render import fit
from app.tui.screens.base import DataScreen
from app.tui.widgets.key_bar import KeyBar


def entry_text(entry) -> Group:
    """An entry as `learn log show` prints it (app.journal.entry.LogEntry.display_lines)."""
    return Group(*(Text.assemble(*line) for line in entry.display_lines(f"\n{entry.short_id}")))


class LogScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "app.home", "Back", id="log_back"),
        Binding("n", "new_entry", "New entry", id="log_new", tooltip="Write an entry on the template"),
        Binding("e", "edit_entry", "Edit", id="log_edit", tooltip="Edit the highlighted entry"),
        Binding("slash", "app.search", "Search", id="log_search", show=False),
    ]

    def __init__(self, highlight: str | None = None) -> None:
        super().__init__()
        self.entries: list = []
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Captain's Log", "bold"), ("  newest first", "dim")), id="log-heading")
        with Horizontal(id="log-body"):
            yield OptionList(id="log-list")
            with VerticalScroll(id="log-reader"):
                yield Static(id="log-entry")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#log-list", OptionList).focus()

    def load(self) -> None:
        from app.journal.entry import module_label
        from app.journal.store import list_entries

        entries = list_entries(self.learn.engine)
        listing = self.query_one("#log-list", OptionList)
        keep = self.highlight or (
            self.entries[listing.highlighted].id if self.entries and listing.highlighted is not None else None
        )
        self.highlight = None
        self.entries = entries
        width = max((listing.scrollable_content_region.width or 30) - 2, 16)
        listing.set_options(
            Option(
                Text.assemble(
                    (entry.date, "cyan"),
                    " ",
                    fit(entry.summary() or "", width - 11).rstrip(),
                    "\n",
                    (fit(module_label(entry.module_id, entry.module_title) or "(no module)", width).rstrip(), "dim"),
                ),
                id=entry.id,
            )
            for entry in entries
        )
        if entries:
            index = next((n for n, e in enumerate(entries) if e.id == keep), 0)
            listing.highlighted = index
            self._read(entries[index])
        else:
            self.query_one("#log-entry", Static).update(
                Text(
                    "No entries yet.\n\nn writes one on the plan's template: what you did, a key insight, a challenge, "
                    "next steps.",
                    style="dim",
                )
            )
        self.refresh_bindings()

    def _read(self, entry) -> None:
        self.query_one("#log-entry", Static).update(entry_text(entry))
        self.query_one("#log-reader").scroll_home(animate=False)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.entries and event.option_index < len(self.entries):
            self._read(self.entries[event.option_index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#log-reader").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit_entry":
            return bool(self.entries)
        return True

    def action_new_entry(self) -> None:
        self.learn.open_log_editor()

    def action_edit_entry(self) -> None:
        listing = self.query_one("#log-list", OptionList)
        if self.entries and listing.highlighted is not None:
            self.learn.open_log_editor(entry=self.entries[listing.highlighted])
