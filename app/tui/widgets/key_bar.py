"""The footer: the shown screen's key bindings on one line, clickable, and the palette key at the right.

Textual's Footer recomposes a widget per key whenever the bindings change (every focus change), which
cost a third of opening a module; this is one widget that re-renders one line.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.binding import Binding
from textual.content import Content
from textual.markup import escape
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-description-foreground;
        /* only the keys are links (clickable): they take the footer's key colour */
        link-color: $footer-key-foreground;
        link-style: bold;
        link-color-hover: $footer-key-foreground;
        link-style-hover: bold reverse;
        link-background-hover: transparent;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if screen is self.screen:
            self.refresh()

    def _shown(self) -> list[tuple[str, str, bool, str]]:
        """(key, its display, enabled, description) of each shown binding, one per action."""
        seen: set[str] = set()
        shown = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen or binding.key == self.app.COMMAND_PALETTE_BINDING:
                continue
            seen.add(binding.action)
            shown.append((binding.key, self.app.get_key_display(binding), enabled, binding.description))
        return shown

    def render(self) -> RenderResult:
        parts = []
        for key, display, enabled, description in self._shown():
            part = f" [@click=app.press({key!r})]{escape(display)}[/] {escape(description)} "
            parts.append(part if enabled else f"[dim]{part}[/dim]")
        keys = Content.from_markup("".join(parts))
        palette = (
            Content.from_markup(
                f"[@click=app.press({self.app.COMMAND_PALETTE_BINDING!r})]"
                f"{escape(self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, '')))}[/] palette "
            )
            if self.app.ENABLE_COMMAND_PALETTE
            else Content("")
        )
        width = self.size.width
        if keys.cell_length + palette.cell_length + 1 <= width:
            return keys + Content(" " * (width - keys.cell_length - palette.cell_length)) + palette
        return keys
