"""The module screen's "My notes" pane: the learner's own note on the module or on one of its items,
in an editor (ctrl+s saves; an empty note is deleted), and below it every note of the module.
Notes go through app/notes/store.py, as `learn note` does."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea


class NotePane(Vertical):
    DEFAULT_CSS = """
    NotePane { height: 1fr; }
    NotePane #my-note-target { height: auto; padding: 0 1; }
    NotePane #my-note { height: 1fr; min-height: 5; }
    NotePane #my-notes-list { height: auto; max-height: 40%; padding: 0 1; overflow-y: auto; }
    """

    class Saved(Message):
        def __init__(self, target_id: str, deleted: bool) -> None:
            super().__init__()
            self.target_id = target_id
            self.deleted = deleted

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.target = None  # app.notes.store.Target being edited
        self.saved_text = ""

    def compose(self):
        yield Static(id="my-note-target")
        yield TextArea("", id="my-note", soft_wrap=True, tab_behavior="indent")
        yield Static(id="my-notes-list")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#my-note", TextArea)

    @property
    def dirty(self) -> bool:
        return self.target is not None and self.editor.text.rstrip() != self.saved_text.rstrip()

    def edit(self, engine, target) -> None:
        """Open `target`'s note in the editor (what is typed for another target is saved first)."""
        from app.notes.store import get_note

        if self.dirty:
            self.save(engine)
        self.target = target
        note = get_note(engine, target.id)
        self.saved_text = note.text if note else ""
        self.editor.text = self.saved_text
        self.editor.move_cursor(self.editor.document.end)
        from app.tui.render import inline_markdown

        label = inline_markdown(" ".join(target.label.split()), "dim") if target.kind == "item" else Text("")
        self.query_one("#my-note-target", Static).update(
            Text.assemble(
                ("Your note on ", "bold"),
                (target.id if target.kind == "item" else f"this module ({target.id})", "bold cyan"),
                "  ",
                label,
                ("\nctrl+s saves · saved empty, it is deleted · escape: back", "dim"),
            )
        )

    def save(self, engine) -> None:
        from app.notes.store import save_note

        if self.target is None:
            return
        saved = save_note(engine, self.target, self.editor.text)
        self.saved_text = saved.text if saved else ""
        self.post_message(self.Saved(self.target.id, saved is None))

    def show_list(self, notes: dict, view) -> None:
        """Every note of the module (`notes`: app.notes.store.module_notes), the module's first."""
        parts: list = []
        order = [view.id, *(item.id for item, _ in view.walk())]
        for target_id in order:
            if target_id in notes:
                parts.append(Text(f"✎ {'this module' if target_id == view.id else target_id}", style="bold yellow"))
                parts.append(Markdown(notes[target_id].text))
        if not parts:
            parts.append(Text("No notes of yours in this module yet.", style="dim"))
        self.query_one("#my-notes-list", Static).update(Group(*parts))
