"""A drill session: the same DrillSession as `learn drill` (app/drill/session.py), in a screen.

A flashcard: the prompt and a countdown; space or enter shows the model answer (as in `learn drill`);
1-4 grade it (enter takes the suggestion). A code card: the learner writes the function in a Python
editor that opens on a valid skeleton with the body's `...` selected (typing replaces it), keeps the
indent on enter and adds a level after a `:`, and indents with tab; ctrl+s checks it in the session's
child process (a worker thread, so the countdown keeps running), then the answer shows with the grade
the result suggests. Every grade is stored when it is given; escape ends the session with the summary
`learn drill` prints (escape again: back).
"""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TextArea
from textual.worker import get_current_worker

from app.errors import LearnError
from app.tui.widgets.key_bar import KeyBar

RATING_STYLE = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
TIMER_SECONDS = 0.25


def card_markdown(text: str):
    return Markdown(text) if any(mark in text for mark in ("`", "*", "#", "\n-", "|")) else Text(text)


class CodeEditor(TextArea):
    """The code card's editor: Python; tab indents, shift+tab dedents; enter keeps the indent (one level
    more after a `:`)."""

    INDENT = 4

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            before = self.document.get_line(row)[:column]
            indent = before[: len(before) - len(before.lstrip(" "))]
            if before.rstrip().endswith(":"):
                indent += " " * self.INDENT
            self.replace("\n" + indent, *self.selection)
            return
        if event.key == "shift+tab" and not self.read_only:  # dedent the line to the previous level
            event.stop()
            event.prevent_default()
            row, column = self.cursor_location
            line = self.document.get_line(row)
            spaces = len(line) - len(line.lstrip(" "))
            if spaces:
                remove = (spaces - 1) % self.INDENT + 1
                self.delete((row, 0), (row, remove))
                self.cursor_location = (row, max(column - remove, 0))
            return
        await super()._on_key(event)


def code_editor() -> CodeEditor:
    editor = CodeEditor.code_editor("", language="python", id="drill-code", soft_wrap=True)  # tab indents
    editor.indent_width = CodeEditor.INDENT
    return editor


class DrillScreen(Screen):
    BINDINGS = [
        Binding("space", "reveal", "Show answer", id="drill_reveal", key_display="space/enter"),
        Binding("enter", "reveal", "Show answer", id="drill_reveal_enter", show=False),
        Binding("ctrl+s", "check_code", "Check code", id="drill_check", priority=True),
        Binding("ctrl+g", "give_up", "Show answer", id="drill_give_up", priority=True),
        Binding("1", "grade(1)", "Again", id="drill_again"),
        Binding("2", "grade(2)", "Hard", id="drill_hard"),
        Binding("3", "grade(3)", "Good", id="drill_good"),
        Binding("4", "grade(4)", "Easy", id="drill_easy"),
        Binding("enter", "grade_suggested", "Suggested", id="drill_suggested", show=False),
        Binding("c", "reopen('cram')", "Cram anyway", id="drill_cram"),
        Binding("n", "reopen('new')", "New cards", id="drill_new"),
        # not a priority binding: in the code editor, escape first leaves the editor, then the session
        Binding("escape", "leave", "End", id="drill_leave"),
        Binding("q", "leave", "End", id="drill_quit", show=False),  # as in `learn drill`: ends the session
    ]
    PHASE_ACTIONS = {  # which actions each phase offers (the key bar shows only these)
        "loading": {"leave"},
        "asking": {"reveal", "leave"},
        "coding": {"check_code", "give_up", "leave"},
        "checking": {"leave"},
        "revealed": {"grade", "grade_suggested", "leave"},
        "empty": {"reopen", "leave"},
        "finished": {"leave"},
    }

    def __init__(self, query=None, title: str = "Drill") -> None:
        super().__init__()
        from app.drill.queue import QueueQuery

        self.query_spec = query or QueueQuery()
        self.heading = title
        self.session = None
        self.phase = "loading"
        self.started = 0.0
        self.duration_s = 0.0
        self.suggestion: int | None = None
        self.shown = 0
        self.total = 0

    def compose(self) -> ComposeResult:
        yield Static(id="drill-status")
        yield Static(id="drill-countdown")
        with VerticalScroll(id="drill-body"):
            yield Static(id="drill-prompt")
            yield code_editor()
            yield Static(id="drill-result")
            yield Static(id="drill-answer")
        yield Static(id="drill-grades")
        yield KeyBar()

    @property
    def learn(self):
        return self.app

    def on_mount(self) -> None:
        self.query_one("#drill-code", TextArea).display = False
        self.query_one("#drill-code", TextArea).cursor_blink = self.learn.cursor_blink
        self.query_one("#drill-status", Static).update(Text(f"{self.heading} · opening the decks ...", style="dim"))
        self.set_interval(TIMER_SECONDS, self._tick, name="drill-countdown")
        self._open(self.query_spec)

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()  # stops the code checker's child process

    # -- the session -------------------------------------------------------------------------------------

    def _open(self, query) -> None:
        self._set_phase("loading")
        self.run_worker(
            lambda: self._open_in_thread(query), thread=True, exclusive=True, group="drill-open", exit_on_error=False
        )

    def _open_in_thread(self, query) -> None:
        from app.study.drill import open_drill

        try:
            session = open_drill(self.learn.engine, query, self.learn.clock.now())  # as `learn drill` does
        except LearnError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._opened, session)

    def _failed(self, exc: LearnError) -> None:
        self.notify("\n".join([exc.message, *exc.details[:3]]), title="No drill", severity="error", timeout=8)
        self.action_leave()

    def _opened(self, session) -> None:
        if self.session is not None:
            self.session.close()
        self.session = session
        self.shown = 0
        self.total = session.remaining
        if session.current is None:
            self._show_empty()
        else:
            self._show_card()

    def _show_empty(self) -> None:
        from app.drill.scheduling import format_interval

        now = self.learn.clock.now()
        next_due = self.session.next_due()
        when = f" The next card is due in {format_interval(next_due - now)}." if next_due and next_due > now else ""
        self._set_phase("empty")
        self.query_one("#drill-status", Static).update(Text(self.heading, style="bold"))
        self.query_one("#drill-prompt", Static).update(
            Text.assemble(
                ("Nothing to review now.", "bold"),
                when,
                "\n\nc: cram, every card of this selection anyway (reviews count)\nn: learn new cards beyond today's ten",
            )
        )
        for part in ("#drill-answer", "#drill-result", "#drill-grades", "#drill-countdown"):
            self.query_one(part, Static).update("")

    def _show_card(self) -> None:
        from app.drill.scheduling import state_name

        session, card = self.session, self.session.current
        self.shown += 1
        position = (
            f"card {self.shown} of {self.total}"
            if self.shown <= self.total
            else f"card {self.shown} ({session.remaining - 1} more)"
        )
        state = state_name(session.memory(card, self.learn.clock.now()).card)
        self.query_one("#drill-status", Static).update(
            Text.assemble((self.heading, "bold"), (f" · {card.deck_id} · {position} · {state} · {card.id}", "dim"))
        )
        self.query_one("#drill-prompt", Static).update(
            Panel(card_markdown(card.prompt), title="Prompt", title_align="left", border_style="cyan")
        )
        for part in ("#drill-answer", "#drill-result", "#drill-grades"):
            self.query_one(part, Static).update("")
        editor = self.query_one("#drill-code", TextArea)
        self.started = self.learn.clock.monotonic()
        self.suggestion = None
        if card.code is None:
            editor.display = False
            self._set_phase("asking")
            self.query_one("#drill-body").focus()
            return
        from textual.widgets.text_area import Selection

        from app.drill.code_checks import CHECKS
        from app.drill.skeleton import body_position, code_skeleton

        editor.read_only = False
        editor.text = code_skeleton(card.code.function, CHECKS[card.code.check].signature)
        row, column = body_position(editor.text)
        editor.selection = Selection((row, column), (row, column + 3))  # `...`: the first key typed replaces it
        editor.display = True
        editor.focus()
        self._set_phase("coding")
        self.run_worker(session.warm_up_code, thread=True, group="drill-warm", exit_on_error=False)

    def _tick(self) -> None:
        if self.phase not in ("asking", "coding", "checking") or self.session is None or self.session.current is None:
            return
        limit = self.session.current.time_limit_s
        left = limit - (self.learn.clock.monotonic() - self.started)
        shown = (
            Text(f"◷ {int(left + 0.999):>3d} s", style="bold")
            if left > 0
            else Text(f"◷ over by {int(-left)} s", style="bold yellow")
        )
        hint = {
            "asking": "   space or enter: show the answer",
            "coding": "   ctrl+s: check your code · ctrl+g: show the answer",
            "checking": "   checking your code ...",
        }[self.phase]
        self.query_one("#drill-countdown", Static).update(shown + Text(hint, style="dim"))

    # -- answering -----------------------------------------------------------------------------------------

    def action_reveal(self) -> None:
        self.duration_s = self.learn.clock.monotonic() - self.started
        self._reveal(None)

    def action_give_up(self) -> None:
        self.duration_s = self.learn.clock.monotonic() - self.started
        self._reveal(False)

    def action_check_code(self) -> None:
        code = self.query_one("#drill-code", TextArea).text
        self.duration_s = self.learn.clock.monotonic() - self.started
        self._set_phase("checking")
        self.query_one("#drill-code", TextArea).read_only = True
        self.query_one("#drill-result", Static).update(Text("checking your code ...", style="dim"))
        self.run_worker(
            lambda: self._check_in_thread(code), thread=True, exclusive=True, group="drill-check", exit_on_error=False
        )

    def _check_in_thread(self, code: str) -> None:
        session = self.session
        try:
            result = session.check_code(code)
        except Exception as exc:  # noqa: BLE001 - the checker's own failure is shown, the session goes on
            from app.drill.code_runner import CheckResult

            result = CheckResult(False, f"the checker failed: {type(exc).__name__}: {exc}")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._checked, result)

    def _checked(self, result) -> None:
        mark = Text("✔ pass", style="bold green") if result.passed else Text("✘ fail", style="bold red")
        parts: list = [mark + Text(f": {result.reason}")]
        if result.output.strip():
            tail = "\n".join(result.output.rstrip().splitlines()[-8:])
            parts.append(Panel(Text(tail), title="your output (last lines)", title_align="left", border_style="dim"))
        self.query_one("#drill-result", Static).update(Group(*parts))
        self._reveal(result.passed)

    def _reveal(self, passed: bool | None) -> None:
        from app.drill.scheduling import RATING_NAMES, format_interval
        from app.drill.session import suggest_rating

        card = self.session.current
        limit = card.time_limit_s
        self.suggestion = suggest_rating(limit, int(self.duration_s * 1000), passed)
        editor = self.query_one("#drill-code", TextArea)
        editor.read_only = True
        self.query_one("#drill-body").focus()
        over = self.duration_s > limit
        self.query_one("#drill-countdown", Static).update(
            Text(f"answered in {self.duration_s:.0f} s (limit {limit} s)", style="yellow" if over else "dim")
        )
        self.query_one("#drill-answer", Static).update(
            Panel(card_markdown(card.answer), title="Model answer", title_align="left", border_style="green")
        )
        preview = self.session.preview(self.learn.clock.now())
        grades = Text()
        for rating, name in RATING_NAMES.items():
            grades.append(f" {rating} ", style=f"bold reverse {RATING_STYLE[rating]}")
            grades.append(f" {name} ")
            grades.append(format_interval(preview[rating]), style="dim")
            if rating == self.suggestion:
                grades.append(" ◀ enter", style="bold")
            grades.append("  ")
        self.query_one("#drill-grades", Static).update(grades)
        self._set_phase("revealed")
        self.query_one("#drill-body").scroll_end(animate=False)

    def action_grade(self, rating: int) -> None:
        from app.drill.scheduling import RATING_NAMES, format_interval

        graded = self.session.grade(rating, self.learn.clock.now(), int(self.duration_s * 1000))
        self.learn.wrote()
        again = " (again later in this session)" if graded.again_in_session else ""
        self.notify(f"{RATING_NAMES[rating]}: next review in {format_interval(graded.interval)}{again}", timeout=2)
        if self.session.current is None:
            self._show_summary()
        else:
            self._show_card()

    def action_grade_suggested(self) -> None:
        if self.suggestion is not None:
            self.action_grade(self.suggestion)

    def _show_summary(self) -> None:
        counts = " · ".join(f"{name} {n}" for name, n in self.session.counts().items() if n)
        reviewed = len(self.session.graded)
        self._set_phase("finished")
        self.query_one("#drill-code", TextArea).display = False
        self.query_one("#drill-status", Static).update(Text(self.heading, style="bold"))
        left = self.session.remaining
        self.query_one("#drill-prompt", Static).update(
            Text.assemble(
                (f"Reviewed {reviewed} card{'s' if reviewed != 1 else ''}", "bold"),
                f" ({counts})" if counts else "",
                "; every review is saved.",
                f" {left} left for later." if left else "",
                "\n\nescape: back",
            )
        )
        for part in ("#drill-answer", "#drill-result", "#drill-grades", "#drill-countdown"):
            self.query_one(part, Static).update("")

    def action_reopen(self, how: str) -> None:
        from dataclasses import replace

        if how == "cram":  # every selected card, the new ones too
            query = replace(self.query_spec, cram=True, new=None)
        else:  # ten new cards beyond today's budget
            query = replace(self.query_spec, cram=False, new=10)
        self._open(query)

    def action_leave(self) -> None:
        """Mid-session: end it with the summary (as `learn drill` prints it); from the summary: back."""
        self.workers.cancel_group(self, "drill-check")
        if self.phase in ("asking", "coding", "checking", "revealed") and self.session is not None:
            self._show_summary()
            return
        if self.is_current:
            self.app.pop_screen()

    # -- keys per phase ----------------------------------------------------------------------------------

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.refresh_bindings()
        if self.is_mounted:
            self._tick()  # the countdown and its keys show at once, not a timer tick later

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in SESSION_ACTIONS:
            return True  # the app's own keys (palette, search, quit)
        if action == "grade_suggested":
            return self.phase == "revealed" and self.suggestion is not None
        return action in self.PHASE_ACTIONS[self.phase]


SESSION_ACTIONS = set().union(*DrillScreen.PHASE_ACTIONS.values()) | {"grade_suggested"}
