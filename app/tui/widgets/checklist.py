"""A module's checklists: section headings and nested items with their marks; keys ask for a status.

The widget only asks (StatusRequested); the screen writes through app.progress.set_status, then hands
the new ModuleView back with show_module, which redraws only the lines that changed.

Prompts are plain Text wrapped here to the list's width, so wrapped lines hang under the item's text
(as in `learn show`) and the list measures them cheaply: a Rich table per item made opening a
100-item module take a second. A toggle changes a mark, never a height, so it swaps one prompt and
keeps the list's line cache (OptionList's public replace re-measures every option).
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from app.module_view import ItemView, ModuleView
from app.tui.render import hanging, inline_markdown, status_mark

NEXT_STATUS = {  # key -> {current status: new status}
    "done": {"done": "todo", "todo": "done", "in_progress": "done"},
    "in_progress": {"in_progress": "todo", "todo": "in_progress", "done": "in_progress"},
}


def item_text(item: ItemView) -> Text:
    text = inline_markdown(item.text, "dim" if item.status == "done" else "")
    if any(link.get("url") for link in item.links):
        text.append(" ↗", style="blue")
    if item.notes:
        text.append(" ✎", style="dim")
    return text


def item_prompt(item: ItemView, depth: int, width: int, console) -> Text:
    """Indent, mark, text: wrapped lines hang under the text, as in `learn show`."""
    return hanging(Text.assemble("  " * depth, status_mark(item.status), " "), item_text(item), width, console)


class Checklist(OptionList):
    BINDINGS = [
        Binding("space", "request('done')", "Done", id="toggle_done", tooltip="Toggle the item done"),
        Binding(
            "p", "request('in_progress')", "In progress", id="toggle_in_progress", tooltip="Toggle the item in progress"
        ),
    ]

    class StatusRequested(Message):
        def __init__(self, item: ItemView, status: str) -> None:
            super().__init__()
            self.item = item
            self.status = status

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._item_views: dict[str, ItemView] = {}
        self._item_depth: dict[str, int] = {}
        self._item_index: dict[str, int] = {}
        self._item_shape: list[str] | None = None
        self._view: ModuleView | None = None
        self._wrap_width = 0

    @property
    def highlighted_item(self) -> ItemView | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._item_views.get(option.id or "")

    def _text_width(self) -> int:
        region = self.scrollable_content_region.width or (self.app.size.width - 4)
        padding = self.get_component_styles("option-list--option").padding
        return region - padding.width - self._get_left_gutter_width()

    def show_module(self, view: ModuleView, highlight: str | None = None) -> None:
        """Show the items of `view`; the same items as before are redrawn only where they changed."""
        walked = list(view.walk())
        shape = [f"{s.kind}:{s.title}" for s in view.sections] + [item.id for item, _ in walked]
        self._view = view
        width = self._text_width()
        if shape == self._item_shape and width == self._wrap_width:
            for item, _ in walked:
                old = self._item_views[item.id]
                self._item_views[item.id] = item
                if (old.status, old.text, old.notes, old.links) != (item.status, item.text, item.notes, item.links):
                    self._replace_prompt(item, same_height=old.text == item.text)
            if highlight:
                self.highlight_item(highlight)
            return
        keep = highlight or (self.highlighted_item.id if self.highlighted_item else None)
        keep_line = self.highlighted
        self._item_shape = shape
        self._wrap_width = width
        self._item_views, self._item_depth, self._item_index = {}, {}, {}
        options: list[Option] = []
        console = self.app.console
        for section in view.sections:
            title = section.title or section.kind.capitalize()
            # a blank line above every heading but the first, inside the (disabled) heading option
            options.append(Option(Text(("\n" if options else "") + title, style="bold"), disabled=True))
            stack = [(item, 0) for item in reversed(section.items)]
            while stack:
                item, depth = stack.pop()
                self._item_views[item.id] = item
                self._item_depth[item.id] = depth
                self._item_index[item.id] = len(options)
                options.append(Option(item_prompt(item, depth, width, console), id=item.id))
                stack.extend((child, depth + 1) for child in reversed(item.children))
        self.set_options(options)
        if keep and self.highlight_item(keep):
            return
        if keep_line is not None and keep_line < len(options) and not options[keep_line].disabled:
            self.highlighted = keep_line
        elif self._item_index:
            self.highlighted = min(self._item_index.values())

    def _replace_prompt(self, item: ItemView, same_height: bool) -> None:
        index = self._item_index[item.id]
        prompt = item_prompt(item, self._item_depth[item.id], self._wrap_width, self.app.console)
        option = self.get_option_at_index(index)
        cache = getattr(self, "_option_render_cache", None)
        if same_height and cache is not None and hasattr(option, "_set_prompt"):
            option._set_prompt(prompt)
            cache.clear()  # rendered strips (only the visible lines are drawn again); heights kept
            self.refresh()
        else:
            self.replace_option_prompt_at_index(index, prompt)

    def on_resize(self) -> None:
        if self._view is not None and self._text_width() != self._wrap_width:
            self.show_module(self._view)

    def highlight_item(self, item_id: str) -> bool:
        if item_id not in self._item_index:
            return False
        self.highlighted = self._item_index[item_id]
        self.scroll_to_highlight()
        return True

    def action_request(self, key: str) -> None:
        item = self.highlighted_item
        if item is not None:
            self.post_message(self.StatusRequested(item, NEXT_STATUS[key][item.status]))
