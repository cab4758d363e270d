"""Writing an entry: where a new one starts, text read back into an entry, and the editor session.

Exit statuses the CLI gives these outcomes: an entry left as the unchanged template (or emptied) is
discarded with status 1, like `git commit` with an empty message, so a script can tell that nothing
was saved; an editor that fails keeps the draft and gives 1 (130 for Ctrl-C); text that cannot be
read back (an unknown module, a bad date) keeps the draft and gives 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from app.errors import ExitCode, LearnError
from app.journal.editor import EditorFailed, new_draft, run_editor
from app.journal.entry import EntryDraft, today
from app.journal.entry_text import (
    content_lines,
    parse_entry_text,
    template_placeholders,
    to_draft,
)
from app.journal.store import (
    current_module,
    module_resolver,
    module_title,
    template_for,
)
from app.progress import resolve_module_id


class NothingSaved(LearnError):
    code = ExitCode.FAILED


def new_entry_start(engine: Engine, module: str | None) -> EntryDraft:
    """Today, and the module given (exit 2 with a suggestion if unknown) or else the one the learner
    last ticked or started an item in."""
    module_id = resolve_module_id(engine, module) if module else current_module(engine)
    return EntryDraft(today(), module_id, module_title(engine, module_id) if module_id else None)


def read_entry(engine: Engine, written: str, start: EntryDraft) -> EntryDraft:
    """Text the learner wrote, as an entry; `start` gives what it leaves out (date, module)."""
    placeholders = template_placeholders(template_for(engine, start.module_id))
    return to_draft(parse_entry_text(written, placeholders), start, module_resolver(engine))


@dataclass(frozen=True)
class Edited:
    draft: EntryDraft | None  # None: the text came back unchanged
    file: Path  # the draft file; the caller removes it once the entry is stored


def _with_draft_hint(exc: LearnError, file: Path, resume: str) -> LearnError:
    exc.details = [*exc.details, f"your draft is saved at {file}", f"take it back with: {resume} --from {file}"]
    return exc


def edit_in_editor(engine: Engine, initial: str, start: EntryDraft, name: str, resume: str) -> Edited:
    """Open `initial` in the learner's editor and read the result back into an entry.

    `resume` is the command that takes a kept draft back (`learn log add`)."""
    file = new_draft(initial, name)
    try:
        written = run_editor(file)
    except EditorFailed as exc:
        raise _with_draft_hint(exc, file, resume) from None
    if content_lines(written) == content_lines(initial):
        file.unlink(missing_ok=True)
        return Edited(None, file)
    try:
        return Edited(read_entry(engine, written, start), file)
    except LearnError as exc:
        raise _with_draft_hint(exc, file, resume) from None


def read_entry_file(path: Path) -> str:
    """The text of FILE, or of standard input for '-'."""
    if str(path) == "-":
        import sys

        return sys.stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LearnError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LearnError(f"{path} is not UTF-8 text") from None
