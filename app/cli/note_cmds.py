"""`learn note ITEM|MODULE [-m TEXT]`: the learner's own note on an item or a module (app/notes)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from app.cli.completion import complete_module_or_item
from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store


def register(app: typer.Typer) -> None:
    app.command("note")(note)


@handles_errors
def note(
    target: Annotated[
        str,
        typer.Argument(
            help="A module (module-0.2, 0.2, iv-cuda) or an item (its id, a unique prefix or part of it).",
            autocompletion=complete_module_or_item,
            show_default=False,
        ),
    ],
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help='The note\'s text, replacing the note there is; "" deletes it.'),
    ] = None,
    delete: Annotated[bool, typer.Option("--delete", help="Delete the note.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write your own note on an item or a module: with -m, else in $EDITOR (the note there is, to edit).

    Editing replaces the note; empty text deletes it (asked first, or --yes). `learn show` and the
    dashboard's module screen show your notes; `learn log search` finds them. With --json and no -m,
    prints the note without editing.
    """
    from app.errors import LearnError
    from app.notes.store import delete_note, get_note, resolve_target, save_note

    engine = open_store()
    found = resolve_target(engine, target)
    current = get_note(engine, found.id)
    out = Output(as_json)
    if delete and message is not None:
        raise LearnError("give -m TEXT or --delete, not both")
    if message is None and not delete:
        if as_json:
            out.emit({"target": vars(found), "note": current.to_json() if current else None})
            return
        message = _edit(found, current.text if current else "")
        if message is None:
            out.console.print("Unchanged: the editor left the note as it was.")
            return
    deleting = delete or not message.strip()
    if deleting:
        if current is None:
            out.emit(
                {"target": vars(found), "note": None, "deleted": False},
                lambda console: console.print(f"No note on {found.id} to delete."),
            )
            return
        if not yes:
            if not sys.stdin.isatty():
                raise LearnError(
                    f"deleting your note on {found.id} needs --yes here (no terminal to ask in); nothing was changed"
                )
            if not typer.confirm(f"Delete your note on {found.id}?", default=False, err=True):
                raise typer.Exit(1)
        delete_note(engine, found.id)
        out.emit(
            {"target": vars(found), "note": None, "deleted": True},
            lambda console: console.print(f"Deleted your note on {found.id}."),
        )
        return
    saved = save_note(engine, found, message)
    assert saved is not None
    verb = "Replaced" if current else "Saved"
    out.emit(
        {"target": vars(found), "note": saved.to_json()},
        lambda console: console.print(
            f"{verb} your note on {found.kind} {found.id} ({len(saved.text.splitlines())} "
            f"line{'s' if len(saved.text.splitlines()) != 1 else ''})."
        ),
    )


HEADER = "<!-- learn: "  # the draft's own lines (markdown comments, so a `# heading` of the note stays)


def _edit(target, text: str) -> str | None:
    """The note after the learner's editor (the journal's round trip: the draft survives a failed edit);
    None when the editor left it unchanged."""
    from app.errors import LearnError
    from app.journal.editor import EditorFailed, new_draft, run_editor

    header = (
        f"{HEADER}your note on {target.kind} {target.id}: {' '.join(target.label.split())} -->\n"
        f"{HEADER}markdown; save it empty to delete the note -->\n"
    )
    draft = new_draft(
        header + text + ("\n" if text and not text.endswith("\n") else ""), f"note-{target.id.replace('/', '_')}"
    )
    try:
        edited = run_editor(draft)
    except EditorFailed as exc:
        error = LearnError(f"{exc.message}; nothing was saved, your text is kept in {exc.draft}")
        error.code = exc.code
        raise error from None
    draft.unlink(missing_ok=True)
    body = "\n".join(line for line in edited.splitlines() if not line.startswith(HEADER)).strip("\n")
    return None if body.rstrip() == text.rstrip() else body
