"""`learn drill` (a session in a plain terminal), `learn drill list`, `learn drill stats`.

The session logic is app/drill/session.py; this is its plain-terminal face. The terminal is one
object (`TerminalIO`: keys, lines, a wall clock, a monotonic clock, a status line), so tests drive a
whole session with scripted keystrokes and a fake clock (tests/test_drill_session.py).
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Protocol

import typer

from app.cli.completion import complete_deck, complete_module
from app.cli.output import JsonOpt, Output, handles_errors
from app.study.store import open_store

if TYPE_CHECKING:
    from rich.console import Console

    from app.drill.session import DrillSession

drill_app = typer.Typer(
    help="Spaced-repetition drills (FSRS): flashcards with a countdown, and auto-graded code cards.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def register(app: typer.Typer) -> None:
    app.add_typer(drill_app, name="drill")


# -- the terminal ------------------------------------------------------------------------------------


class TerminalIO(Protocol):
    console: Console

    def now(self) -> datetime: ...  # UTC wall clock: review times
    def monotonic(self) -> float: ...  # seconds: time taken, countdown
    def read_key(self, timeout: float | None) -> str | None: ...  # a key ("\n" is Enter), None on timeout, "" at EOF
    def read_code(self, template: str) -> str | None: ...  # the code, whole; "": no answer; None: quit
    def status(self, text: str) -> None: ...  # the countdown line, redrawn in place ("" clears it)


class StdinIO:
    """The real terminal: keys in cbreak mode (no Enter needed), code in $EDITOR or a terminal editor.

    Reads the file descriptor directly (no Python buffering), so a pipe works too (tests, scripts).
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        try:
            self.fd: int | None = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # a stream without a descriptor (CliRunner's input)
            self.fd = None
        self.tty = self.fd is not None and os.isatty(self.fd)
        self._pending = b""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def read_key(self, timeout: float | None) -> str | None:
        if self._pending:
            key, self._pending = self._pending[:1], self._pending[1:]
            return key.decode("utf-8", "replace").replace("\r", "\n")
        if not self.tty:
            return self._read_byte(timeout)
        import termios
        import tty

        saved = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd)  # keys without Enter; Ctrl-C still interrupts
            key = self._read_byte(timeout)
        finally:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)
        return "" if key == "\x04" else key  # Ctrl-D: quit

    def _read_byte(self, timeout: float | None) -> str | None:
        if self.fd is None:
            return sys.stdin.read(1).replace("\r", "\n")
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        byte = os.read(self.fd, 1)
        return byte.decode("utf-8", "replace").replace("\r", "\n") if byte else ""

    def read_code(self, template: str) -> str | None:
        """The learner's code for a code card, whole (blank lines included): from $EDITOR when set, else
        from an editor in the terminal (Ctrl-D ends); from a pipe, everything up to EOF. `q` alone quits;
        blank or the template unchanged is no answer ("")."""
        from app.cli.code_input import edit_in_editor, editor_command, read_in_terminal
        from app.drill.skeleton import unanswered

        if not self.tty:
            code = self._read_to_eof()
        elif (command := editor_command()) is not None:
            code = edit_in_editor(template, command)
        else:
            try:
                code = read_in_terminal(template)
            except EOFError:
                return None
        if code.strip() == "q":
            return None
        if unanswered(code, template):
            return ""
        return code if code.endswith("\n") else code + "\n"

    def _read_to_eof(self) -> str:
        if self.fd is None:
            return sys.stdin.read()
        data, self._pending = self._pending, b""
        while chunk := os.read(self.fd, 65536):
            data += chunk
        return data.decode("utf-8", "replace").replace("\r\n", "\n")

    def status(self, text: str) -> None:
        if self.tty and self.console.is_terminal:
            self.console.file.write("\r\x1b[2K" + text)
            self.console.file.flush()


# -- one session in the terminal ---------------------------------------------------------------------

_MARKDOWN = re.compile(r"[`*_#\[\]|<>]|^\s*(?:[-+]|\d+\.)\s", re.MULTILINE)


def _markdown(text: str):
    """Markdown, or plain text when there is none: most prompts are one plain line, and rendering
    them without importing the Markdown parser keeps the first prompt fast."""
    if not _MARKDOWN.search(text):
        from rich.text import Text

        return Text(text)
    from rich.markdown import Markdown

    return Markdown(text)


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))


def _wait_for_reveal(io: TerminalIO, limit_s: int, started: float) -> bool:
    """Show the countdown until Enter (True) or q / EOF (False). Display only: no time is enforced."""
    last = None
    while True:
        left = limit_s - (io.monotonic() - started)
        shown = f"⏱ {int(left + 0.999):>3d} s" if left > 0 else f"⏱ over by {int(-left)} s"
        if shown != last:
            io.status(f"{shown}   Enter or space: show the answer · q: quit")
            last = shown
        key = io.read_key(max(1.0 - (io.monotonic() - started) % 1.0, 0.05))  # wake at the next whole second
        if key is None:
            continue
        if key in ("\n", " "):
            io.status("")
            return True
        if key in ("q", "Q", ""):
            io.status("")
            return False


def _grade_line(preview, suggestion: int | None) -> str:
    from app.drill.scheduling import RATING_NAMES, format_interval

    styles = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
    parts = []
    for rating, name in RATING_NAMES.items():
        mark = " ◀ Enter" if rating == suggestion else ""
        parts.append(f"[bold {styles[rating]}]{rating}[/] {name} [dim]{format_interval(preview[rating])}[/]{mark}")
    return "   ".join(parts) + "   [dim]q: quit[/]"


def _ask_rating(io: TerminalIO, suggestion: int | None) -> int | None:
    """1-4, Enter for the suggestion; None for q or EOF."""
    while True:
        key = io.read_key(None)
        if key in ("1", "2", "3", "4"):
            return int(key)
        if key == "\n" and suggestion is not None:
            return suggestion
        if key in ("q", "Q", ""):
            return None


def _answer_code_card(session: DrillSession, io: TerminalIO, limit: int, started: float) -> tuple[float, bool] | None:
    """Read the learner's code, check it, show the result: (seconds taken, passed), or None to quit."""
    from rich.markup import escape
    from rich.panel import Panel

    from app.cli import code_input
    from app.drill.code_checks import CHECKS
    from app.drill.skeleton import code_skeleton

    console, card = io.console, session.current
    assert card is not None and card.code is not None
    session.warm_up_code()  # torch loads in the child while the learner types
    signature = CHECKS[card.code.check].signature
    console.print(
        f"Define [bold]{escape(card.code.function)}[/]: {escape(signature)}  "
        f"[dim](⏱ {limit} s; torch, F, nn, np and math are imported)[/]"
    )
    where = "in $EDITOR (save and quit to check it)" if code_input.editor_command() else "below; Ctrl-D checks it"
    console.print(f"[dim]Write the function {where}. Left empty or unchanged: the answer shows. `q` alone quits.[/]")
    code = io.read_code(code_skeleton(card.code.function, signature))
    if code is None:
        return None
    duration = io.monotonic() - started
    if not code.strip():
        return duration, False
    with console.status("checking your code ..."):
        result = session.check_code(code)
    mark = "[bold green]✔ pass[/]" if result.passed else "[bold red]✘ fail[/]"
    console.print(f"{mark}: {escape(result.reason)}")
    if result.output.strip():
        tail = "\n".join(result.output.rstrip().splitlines()[-8:])
        console.print(Panel(escape(tail), title="your output (last lines)", title_align="left", border_style="dim"))
    return duration, result.passed


def run_terminal_session(session: DrillSession, io: TerminalIO, time_limit_s: int | None = None) -> bool:
    """Show, time and grade cards until the queue is empty (True) or the learner quits (False).
    Every graded card is stored when graded; quitting loses only the card on screen."""
    from rich.markup import escape
    from rich.panel import Panel

    from app.drill.scheduling import RATING_NAMES, format_interval, state_name
    from app.drill.session import suggest_rating

    console = io.console
    total = session.remaining
    shown = 0
    while (card := session.current) is not None:
        shown += 1
        limit = time_limit_s or card.time_limit_s
        state = state_name(session.memory(card, io.now()).card)
        position = f"card {shown} of {total}" if shown <= total else f"card {shown} ({session.remaining - 1} more)"
        console.print()
        console.print(f"[dim]{escape(card.deck_id)} · {position} · {state} · {escape(card.id)}[/]")
        console.print(Panel(_markdown(card.prompt), title="Prompt", title_align="left", border_style="cyan"))
        started = io.monotonic()
        passed: bool | None = None
        if card.code is not None:
            answered = _answer_code_card(session, io, limit, started)
            if answered is None:
                return False
            duration, passed = answered
        else:
            if not _wait_for_reveal(io, limit, started):
                return False
            duration = io.monotonic() - started
        console.print(f"[{'yellow' if duration > limit else 'dim'}]answered in {duration:.0f} s (limit {limit} s)[/]")
        console.print(Panel(_markdown(card.answer), title="Model answer", title_align="left", border_style="green"))
        suggestion = suggest_rating(limit, _ms(duration), passed)
        console.print(_grade_line(session.preview(io.now()), suggestion))
        rating = _ask_rating(io, suggestion)
        if rating is None:
            return False
        graded = session.grade(rating, io.now(), _ms(duration))
        again = " (again later in this session)" if graded.again_in_session else ""
        console.print(f"[dim]→ {RATING_NAMES[rating]}: next review in {format_interval(graded.interval)}{again}[/]")
    return True


def _summary(console: Console, session: DrillSession, finished: bool) -> None:
    counts = " · ".join(f"{name} {n}" for name, n in session.counts().items() if n)
    reviewed = len(session.graded)
    left = "" if finished else f" {session.remaining} left for later."
    console.print(
        f"\n[bold]Reviewed {reviewed} card{'s' if reviewed != 1 else ''}[/]"
        f"{f' ({counts})' if counts else ''}; every review is saved.{left}"
    )


def _nothing_due(console: Console, session: DrillSession, now: datetime) -> None:
    from app.drill.scheduling import format_interval

    next_due = session.next_due()
    when = f" The next card is due in {format_interval(next_due - now)}." if next_due and next_due > now else ""
    console.print(
        f"Nothing to review now.{when} `learn drill --new N` adds new cards, `learn drill --cram` reviews anyway."
    )


# -- commands ----------------------------------------------------------------------------------------

DeckOpt = Annotated[str | None, typer.Option("--deck", "-d", help="Only this deck (id).", autocompletion=complete_deck)]


def open_drills():
    """The engine with the curriculum and the decks synced (the decks name curriculum items)."""
    return open_store(decks=True)


@drill_app.callback(invoke_without_command=True)
@handles_errors
def drill(
    ctx: typer.Context,
    deck: DeckOpt = None,
    module: Annotated[
        str | None,
        typer.Option(
            "--module",
            "-m",
            help="Cards linked to items of this module (module-1.5, iv-drills, ...).",
            autocompletion=complete_module,
        ),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only cards with this tag.")] = None,
    new: Annotated[
        int | None, typer.Option("--new", min=0, help="New cards in this session (default: up to 10 new cards a day).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many cards.")] = None,
    cram: Annotated[
        bool,
        typer.Option("--cram", help="Ignore the schedule: every selected card, weakest first (reviews still count)."),
    ] = False,
    time_s: Annotated[
        int | None, typer.Option("--time", min=1, help="Countdown in seconds (default: the card's, 30).")
    ] = None,
) -> None:
    """Review the due cards of all decks (or of --deck / --module / --tag), then new ones.

    Enter (or space) shows the model answer, 1-4 grade it (Again, Hard, Good, Easy; FSRS schedules the next
    review), q quits. Code cards: write the function in $EDITOR when it is set, else in the terminal
    (it opens on a skeleton; Ctrl-D checks it); it is checked on generated inputs.
    """
    if ctx.invoked_subcommand is not None:
        return
    from app.cli.safe_console import safe_console
    from app.drill.queue import QueueQuery
    from app.study.drill import open_drill

    io = StdinIO(safe_console(highlight=False))
    query = QueueQuery(deck=deck, module=module, tag=tag, new=new, limit=limit, cram=cram)
    session = open_drill(open_store(), query, io.now())
    if session.current is None:
        _nothing_due(io.console, session, io.now())
        return
    finished = False
    try:
        finished = run_terminal_session(session, io, time_s)
    finally:  # also on Ctrl-C: the reviews so far are stored, say so
        session.close()
        io.status("")
        _summary(io.console, session, finished)


@drill_app.command("list")
@handles_errors
def list_cards(deck: DeckOpt = None, as_json: JsonOpt = False) -> None:
    """Every card with its deck, links, state and due date."""
    from app.drill.queue import QueueQuery, select_cards
    from app.drill.scheduling import is_new, iso, state_name
    from app.drill.store import load_cards, load_memories

    engine = open_drills()
    now = datetime.now(UTC)
    cards = select_cards(engine, load_cards(engine), QueueQuery(deck=deck))
    memories = load_memories(engine, now, {card.id for card in cards})
    rows = []
    for card in cards:
        memory = memories.get(card.id)
        seen = memory is not None and not is_new(memory.card)
        rows.append(
            {
                "id": card.id,
                "deck": card.deck_id,
                "prompt": card.prompt,
                "answer": card.answer,
                "tags": list(card.tags),
                "items": list(card.items),
                "time_limit_s": card.time_limit_s,
                "code": {"check": card.code.check, "function": card.code.function} if card.code else None,
                "state": state_name(memory.card) if seen else "new",
                "due": iso(memory.card.due) if seen else None,
                "reviews": memory.reviews if memory else 0,
                "lapses": memory.lapses if memory else 0,
            }
        )
    Output(as_json).emit({"cards": rows}, lambda console: _print_list(console, rows))


def _print_list(console: Console, rows: list[dict]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not rows:
        console.print("No drill cards: add decks to drills/ (see drills/README.md).")
        return
    # State and Due keep their width at any terminal width (Rich shrinks every no-wrap column evenly,
    # which at 80 columns took them to nothing); the card id and the prompt share what is left,
    # cut with an ellipsis.
    state_w, due_w = len("relearning"), len("2026-01-01 00:00")
    free = max(console.width - state_w - due_w - 9, 24)  # 3 separators of 3 cells
    longest = max(len(row["id"]) + (5 if row["code"] else 0) for row in rows)
    card_w = min(longest, max(free - 60, free * 3 // 5))
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Card", no_wrap=True, overflow="ellipsis", width=card_w)
    table.add_column("State", no_wrap=True, width=state_w)
    table.add_column("Due (UTC)", no_wrap=True, width=due_w)
    table.add_column("Prompt", overflow="ellipsis", no_wrap=True, width=min(free - card_w, 60))
    for row in rows:
        kind = " [magenta]code[/]" if row["code"] else ""
        table.add_row(
            escape(row["id"]) + kind, row["state"], (row["due"] or "")[:16].replace("T", " "), escape(row["prompt"])
        )
    console.print(table)
    console.print(f"[dim]{len(rows)} cards.[/]")


@drill_app.command("stats")
@handles_errors
def stats(deck: DeckOpt = None, as_json: JsonOpt = False) -> None:
    """Due today and this week, reviews per day, retention, streak, weakest cards and their modules."""
    from app.drill.queue import QueueQuery, select_cards
    from app.drill.stats import drill_stats
    from app.drill.store import load_cards

    engine = open_drills()
    cards = select_cards(engine, load_cards(engine), QueueQuery(deck=deck))
    data = drill_stats(engine, cards, datetime.now(UTC))
    Output(as_json).emit(data, lambda console: _print_stats(console, data))


def _print_stats(console: Console, data: dict) -> None:
    from rich.markup import escape
    from rich.table import Table

    cards, due, retention = data["cards"], data["due"], data["retention"]
    console.print(
        f"[bold]{cards['total']} cards[/]: {cards['seen']} seen, {cards['new']} new.  "
        f"Due today [bold]{due['today']}[/], this week {due['this_week']}.  "
        f"Streak [bold]{data['streak_days']}[/] day{'s' if data['streak_days'] != 1 else ''}."
    )
    measured = "-" if retention["measured"] is None else f"{100 * retention['measured']:.0f}%"
    predicted = "-" if retention["predicted"] is None else f"{100 * retention['predicted']:.0f}%"
    console.print(
        f"Retention: measured {measured} (graduated cards, last {retention['measured_days']} days, "
        f"{retention['measured_reviews']} reviews); predicted now {predicted} (FSRS retrievability)."
    )
    peak = max((d["reviews"] for d in data["reviews_per_day"]), default=0) or 1
    console.print("\n[bold]Reviews per day[/] (UTC)")
    for day in data["reviews_per_day"]:
        bar = "█" * round(20 * day["reviews"] / peak)
        again = f" [red]({day['again']} again)[/]" if day["again"] else ""
        console.print(f"  {day['date']}  {day['reviews']:>4d} [cyan]{bar}[/]{again}")
    if data["weakest"]:
        table = Table(title="Weakest cards", title_justify="left", show_edge=False, pad_edge=False)
        for column in ("Card", "Lapses", "Stability", "Modules"):
            table.add_column(column)
        for card in data["weakest"]:
            table.add_row(
                escape(card["id"]),
                str(card["lapses"]),
                f"{card['stability_days'] or 0:.1f} d",
                escape(", ".join(card["modules"])),
            )
        console.print()
        console.print(table)
    if data["weak_modules"]:
        console.print(
            "\n[bold]Modules to revisit[/]: "
            + ", ".join(
                f"{escape(m['title'])} [dim]({escape(m['id'])}, {m['weak_cards']})[/]" for m in data["weak_modules"][:5]
            )
        )
