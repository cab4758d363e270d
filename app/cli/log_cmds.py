"""`learn log`: the Captain's Log journal (add, list, show, edit, rm, search, export)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from app.cli.completion import complete_module
from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store

log_app = typer.Typer(
    help="The Captain's Log: journal entries in the plan's template (Progress, Key Insight, Challenge, Next Steps).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


ModuleOpt = Annotated[
    str | None,
    typer.Option("--module", help="Module id: module-1.5, 1.5, iv-cuda, ...", autocompletion=complete_module),
]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only entries dated on or after this day (YYYY-MM-DD).")]
EntryIdArg = Annotated[
    str, typer.Argument(help="Entry id, or a unique prefix of it (4+ characters).", show_default=False)
]
FromOpt = Annotated[
    Path | None,
    typer.Option(
        "--from", help="Read the entry from FILE (a saved draft, or - for standard input) instead of an editor."
    ),
]
ProgressOpt = Annotated[str | None, typer.Option("--progress", help="Progress: current status and completed work.")]
InsightOpt = Annotated[str | None, typer.Option("--insight", help="Key Insight: a major understanding.")]
ChallengeOpt = Annotated[str | None, typer.Option("--challenge", help="Challenge: obstacles and the approach.")]
NextOpt = Annotated[str | None, typer.Option("--next", help="Next Steps: planned actions and goals.")]
MessageOpt = Annotated[str | None, typer.Option("--message", "-m", help="Free text, beside the four fields.")]


def _field_flags(progress, insight, challenge, next_steps, message, from_file) -> dict[str, str]:
    """The fields given as flags; --from FILE excludes them (and -m)."""
    from app.errors import LearnError

    given = {"progress": progress, "insight": insight, "challenge": challenge, "next_steps": next_steps}
    fields = {name: value for name, value in given.items() if value is not None}
    if from_file is not None and (fields or message is not None):
        raise LearnError("give either --from FILE or the field flags (--progress, --insight, ...), not both")
    return fields


def _read_entry_from(engine, from_file, start):
    """(the draft in FILE, the draft file to delete once saved: a draft of ours, never the learner's file)."""
    from app.journal.compose import read_entry, read_entry_file
    from app.journal.editor import is_draft

    draft = read_entry(engine, read_entry_file(from_file), start)
    return draft, (from_file if str(from_file) != "-" and is_draft(from_file) else None)


def _draft_name(label: str) -> str:
    import re

    return re.sub(r"[^A-Za-z0-9._-]+", "-", label).strip("-") or "entry"


# The learner's text goes to Rich as Text, never as markup: `[b]` or a trailing backslash stay as typed.


def _entry_line(entry, before: str = ""):
    from rich.text import Text

    return Text.assemble(before, (entry.short_id, "bold"), "  ", entry.header)


def _print_entry(console, entry) -> None:
    from rich.text import Text

    for line in entry.display_lines(entry.id):
        console.print(Text.assemble(*line))


@log_app.command("add")
@handles_errors
def add(
    module: ModuleOpt = None,
    progress: ProgressOpt = None,
    insight: InsightOpt = None,
    challenge: ChallengeOpt = None,
    next_steps: NextOpt = None,
    message: MessageOpt = None,
    from_file: FromOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write an entry: in $VISUAL / $EDITOR on the template, or straight from the field flags.

    The template comes filled with today's date (your local day) and the module (--module, else the
    one you last ticked an item in), with what happened since your last entry as '#' comments. Exit
    status 1 when nothing is saved: the template came back unchanged or empty, or the editor failed
    (its draft is kept in LEARN_HOME/drafts and its path printed; --from FILE takes it back).
    """
    from app.errors import LearnError
    from app.journal.compose import NothingSaved, edit_in_editor, new_entry_start
    from app.journal.entry import EntryDraft, module_label
    from app.study.log_entry import new_entry_text, save_entry

    fields = _field_flags(progress, insight, challenge, next_steps, message, from_file)
    engine = open_store()
    start = new_entry_start(engine, module)
    draft_file = None
    if from_file is not None:
        draft, draft_file = _read_entry_from(engine, from_file, start)
        if draft.is_empty():
            raise NothingSaved(f"{from_file} holds no entry text; nothing saved")
    elif fields or message is not None:
        draft = EntryDraft(start.date, start.module_id, start.module_title, fields, message or "")
        if draft.is_empty():
            raise LearnError("the entry is empty; give some text to --progress, --insight, --challenge, --next or -m")
    else:
        label = module_label(start.module_id, None).lower() or "entry"
        edited = edit_in_editor(engine, new_entry_text(engine, start), start, _draft_name(label), "learn log add")
        draft_file = edited.file
        if edited.draft is None:
            raise NothingSaved("the template came back unchanged; entry discarded, nothing saved")
        if edited.draft.is_empty():
            draft_file.unlink(missing_ok=True)
            raise NothingSaved("the entry is empty; discarded, nothing saved")
        draft = edited.draft
    entry = save_entry(engine, draft)
    if draft_file is not None:
        draft_file.unlink(missing_ok=True)  # taken back: the entry is stored

    def human(console) -> None:
        console.print(_entry_line(entry, "Logged "))
        if module is None and entry.module_id:  # say which module was chosen, and how to choose
            console.print(
                f"[dim]under {entry.module_id}: the module you worked on last; "
                f"`learn log edit {entry.short_id} --module ID` moves it[/]"
            )

    Output(as_json).emit(entry.to_json(), human)


@log_app.command("edit")
@handles_errors
def edit(
    entry_id: EntryIdArg,
    module: ModuleOpt = None,
    progress: ProgressOpt = None,
    insight: InsightOpt = None,
    challenge: ChallengeOpt = None,
    next_steps: NextOpt = None,
    message: MessageOpt = None,
    from_file: FromOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Edit an entry in $VISUAL / $EDITOR, or replace the fields given as flags (--module moves it).

    Exit status 0 with a note when nothing changed; 1 when the entry came back empty (it is kept:
    `learn log rm` deletes entries) or the editor failed (its draft is kept; --from FILE takes it back).
    """
    from dataclasses import replace

    from app.journal.compose import NothingSaved, edit_in_editor
    from app.journal.store import find_entry
    from app.study.log_entry import as_draft, compose_edit, save_entry

    fields = _field_flags(progress, insight, challenge, next_steps, message, from_file)
    engine = open_store()
    entry = find_entry(engine, entry_id)
    current = as_draft(entry)
    draft_file = None
    if from_file is not None:
        draft, draft_file = _read_entry_from(engine, from_file, current)
    elif fields or message is not None or module is not None:  # flags only: no editor
        draft = replace(current, fields=current.fields | fields, body=current.body if message is None else message)
    else:
        composed = compose_edit(engine, entry)
        edited = edit_in_editor(
            engine, composed.text, current, f"entry-{entry.short_id}", f"learn log edit {entry.short_id}"
        )
        draft_file = edited.file
        draft = edited.draft or current
    if module is not None:  # move the entry to another module
        from app.journal.compose import new_entry_start

        moved = new_entry_start(engine, module)
        draft = replace(draft, module_id=moved.module_id, module_title=moved.module_title)
    if draft.is_empty():
        if draft_file is not None and draft_file != from_file:
            draft_file.unlink(missing_ok=True)
        short = entry.short_id
        raise NothingSaved(f"the entry came back empty; {short} is unchanged (`learn log rm {short}` deletes it)")
    if draft.same_as(current):
        if draft_file is not None:
            draft_file.unlink(missing_ok=True)
        Output(as_json).emit(entry.to_json(), lambda c: c.print(_entry_line(entry, "No changes to ")))
        return
    updated = save_entry(engine, draft, entry)
    if draft_file is not None:
        draft_file.unlink(missing_ok=True)
    Output(as_json).emit(updated.to_json(), lambda c: c.print(_entry_line(updated, "Updated ")))


@log_app.command("list")
@handles_errors
def list_(module: ModuleOpt = None, since: SinceOpt = None, as_json: JsonOpt = False) -> None:
    """Entries, newest first: id, date, module and a line of each."""
    from app.journal.entry import parse_day
    from app.journal.store import list_entries, resolve_entry_module

    day = parse_day(since) if since is not None else None
    engine = open_store()
    module_id = resolve_entry_module(engine, module) if module else None
    entries = list_entries(engine, module_id, day)

    def human(console) -> None:
        from rich.table import Table
        from rich.text import Text

        if not entries:
            console.print("No entries match." if module or since else "No log entries yet: `learn log add` writes one.")
            return
        table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
        table.add_column("ID", no_wrap=True, style="bold")
        table.add_column("Date", no_wrap=True)
        table.add_column("Module", no_wrap=True, max_width=28, overflow="ellipsis")
        table.add_column("Entry", no_wrap=True, overflow="ellipsis", ratio=1)
        for e in entries:
            where = f"Module {e.module_id}" if e.module_id else (e.module_title or "")
            table.add_row(e.short_id, e.date, Text(where), Text(e.summary()))
        console.print(table)

    Output(as_json).emit({"entries": [e.to_json() for e in entries]}, human)


@log_app.command("show")
@handles_errors
def show(entry_id: EntryIdArg, as_json: JsonOpt = False) -> None:
    """One entry, in the template's shape."""
    from app.journal.store import find_entry

    entry = find_entry(open_store(), entry_id)
    Output(as_json).emit(entry.to_json(), lambda c: _print_entry(c, entry))


def stdin_is_interactive() -> bool:
    return sys.stdin.isatty()


@log_app.command("rm")
@handles_errors
def rm(
    entry_ids: Annotated[list[str], typer.Argument(help="Entry ids or unique prefixes.", show_default=False)],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Delete without asking (needed when not at a terminal).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete entries, after asking (--yes skips the question; answering no exits 1)."""
    from app.errors import LearnError
    from app.journal.store import delete_entries, find_entry

    engine = open_store()
    entries = list({e.id: e for e in (find_entry(engine, ident) for ident in entry_ids)}.values())
    if not yes:
        if not stdin_is_interactive():
            raise LearnError("not deleting without asking, and not at a terminal to ask; pass --yes to delete")
        for e in entries:
            typer.echo(f"{e.short_id}  {e.header}", err=True)
        question = "Delete this entry?" if len(entries) == 1 else f"Delete these {len(entries)} entries?"
        if not typer.confirm(question, default=False, err=True):
            typer.echo("Nothing deleted.", err=True)
            raise typer.Exit(1)
    deleted = delete_entries(engine, [e.id for e in entries])
    Output(as_json).emit(
        {"deleted": [e.id for e in entries]},
        lambda c: c.print(
            f"Deleted {deleted} entr{'y' if deleted == 1 else 'ies'}: {', '.join(e.short_id for e in entries)}"
        ),
    )


@log_app.command("search")
@handles_errors
def search(
    query: Annotated[str, typer.Argument(help='Words, "a phrase", prefix*, AND/OR/NOT, or field:word (SQLite FTS5).')],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many entries.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search over every field of every entry, and over your notes (`learn note`), best match
    first, with a snippet; notes are listed after the entries, marked "note".

    Words match their stems (attention, attend); fields: progress, insight, challenge, next_steps,
    body, module_title, module_id. Text that is not valid FTS5 syntax is searched as plain words;
    an unbalanced quote is an error.
    """
    from app.journal.search_index import HIT_END, HIT_START, search_entries
    from app.journal.store import entries_by_id

    engine = open_store()
    hits = search_entries(engine, query, limit)
    entries = entries_by_id(engine, [h.entry_id for h in hits])
    results = [(entries[h.entry_id], h) for h in hits if h.entry_id in entries]
    notes = _search_notes(engine, query, limit)  # the learner's notes on items and modules (learn note)
    data = {
        "query": query,
        "results": [
            e.to_json() | {"snippet": h.snippet.replace(HIT_START, "**").replace(HIT_END, "**"), "rank": h.rank}
            for e, h in results
        ],
        "notes": [
            n.to_json() | {"snippet": h.snippet.replace(HIT_START, "**").replace(HIT_END, "**"), "rank": h.rank}
            for n, h in notes
        ],
    }

    def human(console) -> None:
        from rich.text import Text

        if not results and not notes:
            console.print(Text(f"No entries or notes match {query!r}."))
            return
        lines = [(_entry_line(e), h) for e, h in results]
        lines += [
            (Text.assemble(("note ", "bold magenta"), (n.target_id, "cyan"), (f"  ({n.kind})", "dim")), h)
            for n, h in notes
        ]
        for line, h in lines:
            console.print(line)
            snippet = Text("    ")
            for n, part in enumerate(" ".join(h.snippet.split()).replace(HIT_END, HIT_START).split(HIT_START)):
                snippet.append(part, style="bold reverse" if n % 2 else None)
            console.print(snippet)

    Output(as_json).emit(data, human)


def _search_notes(engine, query: str, limit: int) -> list:
    """(note, hit) pairs of the learner's notes matching the query (app/notes), best first."""
    from app.notes.search_index import search_notes
    from app.notes.store import notes_by_id

    hits = search_notes(engine, query, limit)
    found = notes_by_id(engine, [h.entry_id for h in hits])
    return [(found[h.entry_id], h) for h in hits if h.entry_id in found]


@log_app.command("export")
@handles_errors
def export(
    module: ModuleOpt = None,
    since: SinceOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of standard output.")
    ] = None,
) -> None:
    """Entries as markdown in the plan's format, oldest first, to append to a README's Captain's Log."""
    from app.journal.entry import parse_day
    from app.journal.markdown_export import entries_markdown
    from app.journal.store import list_entries, resolve_entry_module

    day = parse_day(since) if since is not None else None
    engine = open_store()
    module_id = resolve_entry_module(engine, module) if module else None
    entries = list_entries(engine, module_id, day, newest_first=False)
    markdown = entries_markdown(entries)
    if not entries:
        typer.echo("learn: no log entries match; nothing exported", err=True)
    if output is None:
        from app.terminal_text import safe_text

        typer.echo(safe_text(markdown), nl=False)
        return
    from app.atomic_write import write_atomically

    write_atomically(output, markdown)
    typer.echo(f"Wrote {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} to {output}.", err=True)
