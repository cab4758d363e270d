"""The round trip through the learner's editor, with the draft kept whenever it does not end well.

The editor is $VISUAL, else $EDITOR, else `vi`, split like a shell would (`code --wait` works). It
edits a file in LEARN_HOME/drafts/ rather than in the system's temp folder, so that whatever happens
to the editor or to `learn` (a non-zero exit, a kill, a closed terminal), the text stays on disk; the
caller removes the file once the entry is saved or deliberately discarded. While the editor runs,
`learn` ignores Ctrl-C as git does: terminal editors use it themselves, and it must not kill them.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from app import locations
from app.errors import ExitCode, LearnError

DEFAULT_EDITOR = "vi"


def drafts_dir() -> Path:
    return locations.learn_home() / "drafts"


def editor_command() -> list[str]:
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as exc:
                raise LearnError(f"cannot read ${var} ({value!r}): {exc}; set it to an editor command") from None
            if words:
                return words
    return [DEFAULT_EDITOR]


def new_draft(text: str, name: str) -> Path:
    """A new file in the drafts folder holding `text`; `name` (say 'module-0.5') makes it findable."""
    folder = drafts_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        fd, raw = tempfile.mkstemp(prefix=f"{stamp}-{name}-", suffix=".md", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise LearnError(
            f"cannot write a draft in {folder}: {exc.strerror}; set LEARN_HOME to a writable folder"
        ) from None
    return Path(raw)


def is_draft(path: Path) -> bool:
    try:
        return path.resolve().parent == drafts_dir().resolve()
    except OSError:
        return False


class EditorFailed(LearnError):
    """The editor exited non-zero or was killed; the draft is kept at `draft`."""

    def __init__(self, message: str, draft: Path, code: ExitCode) -> None:
        super().__init__(message)
        self.draft = draft
        self.code = code


@contextmanager
def _ignoring_ctrl_c() -> Iterator[None]:
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: nothing to guard
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_editor(draft: Path) -> str:
    """Let the learner edit `draft` in their editor; the text they saved."""
    command = [*editor_command(), str(draft)]
    try:
        # Started before learn ignores SIGINT, so the editor does not inherit the ignoring.
        child = subprocess.Popen(command)
    except OSError as exc:
        draft.unlink(missing_ok=True)
        raise LearnError(
            f"cannot start the editor '{command[0]}': {exc.strerror}; set $VISUAL or $EDITOR to your editor"
        ) from None
    with _ignoring_ctrl_c():
        status = child.wait()
    if status != 0:
        if status < 0:
            name = signal.Signals(-status).name
            reason = f"the editor '{command[0]}' was killed by {name}"
            code = ExitCode.INTERRUPTED if -status == signal.SIGINT else ExitCode.FAILED
        else:
            reason, code = f"the editor '{command[0]}' exited with status {status}", ExitCode.FAILED
        raise EditorFailed(reason, draft, code)
    try:
        return draft.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditorFailed(f"cannot read the edited file back: {exc}", draft, ExitCode.FAILED) from None
