"""Write or edit a log entry in a TextArea, prefilled as `learn log add` / `learn log edit` fill the
editor (app.study.log_entry): the track's template with today's date, the module and what happened
since the last entry (as '#' comments), or the entry in the template's shape. Saving reads the text
back with the journal's own parser (app.journal.compose.read_entry); text it cannot read keeps the
editor open, nothing lost.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static, TextArea

from app.errors import LearnError
from app.tui.widgets.key_bar import KeyBar


class LogEditorScreen(Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="log_save", priority=True),
        Binding("escape", "cancel", "Cancel", id="log_cancel", priority=True),
    ]

    def __init__(self, module_id: str | None = None, entry=None) -> None:
        super().__init__()
        self.module_id = module_id
        self.entry = entry  # an app.journal.entry.LogEntry to edit, or None for a new entry
        self.start = None
        self.initial = ""
        self._cancel_armed = False

    def compose(self) -> ComposeResult:
        yield Static(id="log-editor-heading")
        yield TextArea(id="log-editor", soft_wrap=True, show_line_numbers=False, tab_behavior="indent")
        yield KeyBar()

    @property
    def learn(self):
        return self.app

    def on_mount(self) -> None:
        editor = self.query_one(TextArea)
        editor.cursor_blink = self.learn.cursor_blink
        try:
            self.initial = self._initial_text()
        except LearnError as exc:
            self.notify(exc.message, severity="error")
            self.app.call_later(self.app.pop_screen)
            return
        editor.text = self.initial
        editor.selection = self._first_placeholder()
        row, column = editor.selection.end
        line = editor.document.get_line(row)
        if editor.selection.is_empty and line.endswith(":"):
            editor.insert(" ")  # "Progress: " then the learner's words (trailing spaces never count)
        editor.focus()
        what = f"Edit entry {self.entry.short_id}" if self.entry else "New log entry"
        self.query_one("#log-editor-heading", Static).update(
            Text.assemble((what, "bold"), ("  ctrl+s saves · '#' lines are comments · escape twice discards", "dim"))
        )

    def _initial_text(self) -> str:
        from app.study.log_entry import compose_edit, compose_new

        engine = self.learn.engine
        composed = compose_new(engine, self.module_id) if self.entry is None else compose_edit(engine, self.entry)
        self.start = composed.start
        return composed.text

    def _first_placeholder(self):
        """The first label's `[hint]` selected, so typing replaces it; else the end of that line."""
        import re

        from textual.widgets.text_area import Selection

        for row, line in enumerate(self.initial.splitlines()):
            if not row or line.startswith("#") or ":" not in line:
                continue
            hint = re.search(r"\[[^\]]*\]\s*$", line)
            if hint:
                return Selection((row, hint.start()), (row, len(line)))
            return Selection.cursor((row, len(line)))
        return Selection.cursor((0, 0))

    def action_save(self) -> None:
        from app.journal.compose import read_entry
        from app.journal.entry_text import content_lines
        from app.study.log_entry import save_entry

        written = self.query_one(TextArea).text
        if content_lines(written) == content_lines(self.initial):
            self.notify("Nothing changed: write under the labels first (escape twice discards).", timeout=4)
            return
        engine = self.learn.engine
        try:
            draft = read_entry(engine, written, self.start)
        except LearnError as exc:
            self.notify("\n".join([exc.message, *exc.details]), title="Not saved", severity="error", timeout=8)
            return
        if draft.is_empty():
            self.notify("The entry is empty: nothing to save (escape twice discards).", severity="warning")
            return
        try:
            entry = save_entry(engine, draft, self.entry)
        except LearnError as exc:
            self.notify(exc.message, title="Not saved", severity="error", timeout=8)
            return
        self.learn.wrote()
        self.notify(("Logged " if self.entry is None else "Saved ") + entry.header, timeout=3)
        self.learn.show_log(entry.id)

    def action_cancel(self) -> None:
        from app.journal.entry_text import content_lines

        changed = content_lines(self.query_one(TextArea).text) != content_lines(self.initial)
        if changed and not self._cancel_armed:
            self._cancel_armed = True
            self.notify("Unsaved text: escape again discards it, ctrl+s saves.", severity="warning", timeout=4)
            return
        self.app.pop_screen()

    def on_text_area_changed(self) -> None:
        self._cancel_armed = False
