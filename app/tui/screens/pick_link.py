"""Choose one of several links to open in the browser."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from app.tui.module_markdown import Link


class PickLinkScreen(ModalScreen[Link | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="cancel")]

    def __init__(self, links: list[Link], title: str = "Open a link") -> None:
        super().__init__()
        self.links = links
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.heading, classes="dialog-title")
            yield OptionList(
                *[
                    Option(Text.assemble(link.title, "\n", (link.url, "dim blue")), id=str(n))
                    for n, link in enumerate(self.links)
                ],
                id="links",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[int(event.option.id or 0)])
