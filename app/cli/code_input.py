"""Code typed into `learn drill`'s code cards: $EDITOR when set, else a small Python editor in the
terminal (prompt_toolkit) that opens on the card's skeleton; Ctrl-D (or Esc then Enter) ends it.

Enter keeps the line's indent and adds a level after a `:`; Tab indents to the next multiple of
four, Shift-Tab dedents; pasted text arrives as typed (bracketed paste), blank lines included.
Ctrl-C ends the session, as it does anywhere in `learn drill`.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile

INDENT = 4


def editor_command() -> list[str] | None:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    return shlex.split(editor) if editor and editor.strip() else None


def edit_in_editor(template: str, command: list[str]) -> str:
    """The file `command` leaves behind, started as `template` (a .py file, for the editor's mode)."""
    with tempfile.NamedTemporaryFile("w+", suffix=".py", delete=False, encoding="utf-8") as fh:
        fh.write(template)
    try:
        subprocess.run([*command, fh.name], check=False)
        with open(fh.name, encoding="utf-8") as edited:
            return edited.read()
    finally:
        os.unlink(fh.name)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


def key_bindings():
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    @keys.add("c-d")
    def _done(event) -> None:
        event.current_buffer.validate_and_handle()

    @keys.add("enter")
    def _newline(event) -> None:
        buffer = event.current_buffer
        before = buffer.document.current_line_before_cursor
        indent = _indent_of(before)
        if before.rstrip().endswith(":"):
            indent += " " * INDENT
        buffer.insert_text("\n" + indent)

    @keys.add("tab")
    def _indent(event) -> None:
        buffer = event.current_buffer
        column = len(buffer.document.current_line_before_cursor)
        buffer.insert_text(" " * (INDENT - column % INDENT))

    @keys.add("s-tab")
    def _dedent(event) -> None:
        from prompt_toolkit.document import Document

        buffer = event.current_buffer
        indent = len(_indent_of(buffer.document.current_line))
        if not indent:
            return
        remove = (indent - 1) % INDENT + 1  # back to the previous multiple of four
        cursor = buffer.cursor_position
        start = cursor + buffer.document.get_start_of_line_position()
        buffer.document = Document(buffer.text[:start] + buffer.text[start + remove :], max(start, cursor - remove))

    return keys


def read_in_terminal(template: str) -> str:
    """The learner's code, typed in the terminal, starting from `template` with the cursor on its body."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.lexers import PygmentsLexer
    from pygments.lexers.python import PythonLexer

    from app.drill.skeleton import body_position

    session = PromptSession(
        multiline=True,
        key_bindings=key_bindings(),
        lexer=PygmentsLexer(PythonLexer),
        prompt_continuation="",
        include_default_pygments_style=False,
        bottom_toolbar=" Ctrl-D: check · Tab/Shift-Tab: indent · unchanged: the answer · Ctrl-C: quit",
    )

    def cursor_on_body() -> None:  # on the body line, the `...` removed: typing starts the body
        buffer = session.default_buffer
        try:
            row, column = body_position(template)
        except ValueError:
            return
        start = buffer.document.translate_row_col_to_index(row, column)
        buffer.text = buffer.text[:start] + buffer.text[start + 3 :]
        buffer.cursor_position = start

    return session.prompt("", default=template, pre_run=cursor_on_body)
