"""The home screen's side panel: what to continue, totals, drills due and streak, the last verify
runs and the latest log entries (app/today.py, read in a worker thread)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from app.dashboard import TrackProgress
from app.relative_time import ago
from app.relative_time import module_heading as module_label
from app.tui.render import fit

SECTIONS = ("today-continue", "today-totals", "today-drill", "today-verify", "today-log")


class TodayPanel(VerticalScroll, can_focus=False):
    def compose(self):
        for section in SECTIONS:
            yield Static(id=section, classes="today-section")

    def _set(self, section: str, lines: list) -> None:
        widget = self.query_one(f"#{section}", Static)
        widget.display = bool(lines)
        widget.update(Group(*lines))

    def show_totals(self, tracks: list[TrackProgress]) -> None:
        done = sum(t.items_done for t in tracks)
        doing = sum(t.items_in_progress for t in tracks)
        total = sum(t.items_total for t in tracks)
        modules_done = sum(t.modules_done for t in tracks)
        modules = sum(t.modules_total for t in tracks)
        self._set(
            "today-totals",
            [
                Text("Progress", style="bold"),
                Text.assemble((f"{done}", "green"), f" / {total} items done"),
                Text.assemble((f"{doing}", "yellow"), " in progress"),
                Text(f"{modules_done} / {modules} modules done"),
            ],
        )

    def show_today(self, today, now: datetime) -> None:
        """`today`: an app.today.Today."""
        width = max(self.scrollable_content_region.width, 20)
        if today.current_module:
            module_id, title = today.current_module
            self._set(
                "today-continue",
                [
                    Text.assemble(("Continue", "bold"), ("  c", "dim")),
                    Text(fit(f"{module_label(module_id)}: {title}", width).rstrip(), style="yellow"),
                ],
            )
        else:
            self._set("today-continue", [])
        if today.drill_error:
            self._set("today-drill", [Text.assemble(("Drills", "bold")), Text(today.drill_error, style="red")])
        elif today.drill is not None and today.drill.cards:
            drill = today.drill
            streak = f"streak {drill.streak_days} day{'s' if drill.streak_days != 1 else ''}"
            self._set(
                "today-drill",
                [
                    Text.assemble(("Drills", "bold"), ("  d", "dim")),
                    Text.assemble(
                        (f"{drill.due}", "bold cyan" if drill.due else "dim"),
                        " due · ",
                        (f"{drill.new}", "cyan" if drill.new else "dim"),
                        " new",
                    ),
                    Text(streak, style="green" if drill.streak_days else "dim"),
                ],
            )
        else:
            self._set("today-drill", [])
        if today.attempts:
            lines = [Text("Last verify", style="bold")]
            for attempt in today.attempts:
                mark = ("✔", "green") if attempt.passed else ("✘", "red")
                tally = f"{attempt.checks_passed}/{attempt.checks_total}"
                when = ago(attempt.started_at, now)
                name = fit(attempt.exercise_id, max(width - len(tally) - len(when) - 5, 6)).rstrip()
                lines.append(Text.assemble(mark, " ", name, f" {tally} ", (when, "dim")))
            self._set("today-verify", lines)
        else:
            self._set("today-verify", [])
        lines = [Text.assemble(("Captain's Log", "bold"), ("  l", "dim"))]
        for entry in today.entries:
            lines.append(Text(fit(entry.header, width).rstrip(), style="cyan"))
            summary = entry.summary()
            if summary:
                lines.append(Text(fit(summary, width - 2).rstrip(), style="dim"))
        if not today.entries:
            lines.append(Text("no entries yet", style="dim"))
        self._set("today-log", lines)
