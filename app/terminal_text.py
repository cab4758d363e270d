"""Text from files and imports made safe to show in a terminal: no control sequences get through.

A curriculum or deck YAML (YAML's "\\e" escape), an imported plan or journal can carry ESC sequences:
printed raw, they write the clipboard (OSC 52), retitle the window or clear the screen. `safe_text`
is applied twice: when such text is loaded (YAML scalars, plan lines, imported records) and again
where the CLI and the TUI render (the console's render hook, the TUI's line filter), so that text
that reached the database some other way is still shown, not obeyed.

What goes: whole escape sequences (CSI, OSC, DCS, ...), then every remaining C0 control but tab and
newline, DEL, and the C1 controls U+0080-U+009F. What else reads as a line break (U+2028, U+2029,
NEL, vertical tab, form feed, the C0 separators) becomes a space: only a newline starts a new line.
A carriage return before a newline is dropped, a lone one becomes a newline.
"""

from __future__ import annotations

import re

# ESC then: CSI `[` params final | OSC `]` ... BEL or ST | DCS / SOS / PM / APC ... ST | a 2-3 byte escape.
# An unterminated string sequence runs to the end of the text: all of it is control, none of it text.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[ -/]*[0-~]?)"
    r"|[\x9b][0-?]*[ -/]*[@-~]?|[\x9d][^\x07\x1b\x9c]*[\x07\x9c]?|[\x90\x98\x9e\x9f][^\x1b\x9c]*\x9c?"
)
# What str.splitlines would also split at (VT, FF, FS, GS, RS, NEL, LS, PS): a space, so words stay apart.
_LINE_BREAKS = {c: " " for c in (0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029)}
_CONTROLS = {c: None for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)] if c not in (0x09, 0x0A)}
_MULTILINE = str.maketrans(_CONTROLS | _LINE_BREAKS)
_ONE_LINE = str.maketrans(_CONTROLS | _LINE_BREAKS | {0x09: " ", 0x0A: " "})
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def safe_text(text: str, *, one_line: bool = False) -> str:
    """`text` without terminal control sequences; `one_line` also turns tabs and newlines into spaces."""
    if not _UNSAFE.search(text) and not (one_line and ("\n" in text or "\t" in text)):
        return text  # the common case: nothing to do, no copy
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    return text.translate(_ONE_LINE if one_line else _MULTILINE)


def is_safe(text: str) -> bool:
    """Whether `text` holds no control character but tab and newline (nothing `safe_text` would change)."""
    return not _UNSAFE.search(text)
