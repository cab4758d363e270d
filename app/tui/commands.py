"""The command palette (ctrl+p): go to any module, search, start a drill, verify a module, write a log
entry, and the actions of the screen it opened on.

Commands are data (PaletteCommand); the Provider scores them with Textual's fuzzy matcher. Screens add
their own by defining `palette_commands()`, so the palette is context-sensitive.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from app.dashboard import dashboard
from app.relative_time import module_heading as module_label


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]
    discover: bool = False  # listed before anything is typed


def module_commands(app, tracks) -> list[PaletteCommand]:
    commands = []
    for track in tracks:
        for category in track.categories:
            for module in category.modules:
                commands.append(
                    PaletteCommand(
                        f"Go to {module_label(module.id)}: {module.title}",
                        f"{track.title} › {category.title} · {module.items_done}/{module.items_total} done",
                        partial(app.open_module, module.id),
                    )
                )
    return commands


def app_commands(app) -> list[PaletteCommand]:
    return [
        PaletteCommand("Search items", "Find any checklist item across every track (/)", app.action_search, True),
        PaletteCommand("Home", "Back to the dashboard", app.action_home, True),
        PaletteCommand("Refresh", "Re-read the curriculum YAML and the database (r)", app.action_refresh, True),
        PaletteCommand(
            "Toggle light / dark theme",
            "Switch between the light and the dark theme (t)",
            app.action_toggle_theme,
            True,
        ),
    ]


def activity_commands(app, modules: dict[str, str]) -> list[PaletteCommand]:
    """Drills, the Captain's Log and verify, from anywhere; `modules`: id -> title."""
    from collections import Counter

    from app.drill.queue import QueueQuery
    from app.drill.store import load_cards

    commands = [
        PaletteCommand(
            "Drill: review the due cards",
            "Then today's new cards; 1-4 grade (d on the dashboard)",
            app.action_drill,
            True,
        ),
        PaletteCommand(
            "Drill: cram every card",
            "Ignore the schedule, weakest first; reviews still count",
            lambda: app.open_drill(QueueQuery(cram=True), "Cram"),
        ),
        PaletteCommand("Log: the Captain's Log", "Read your entries (l on the dashboard)", app.action_log, True),
        PaletteCommand("Log: new entry", "Write an entry on the plan's template", app.action_new_log_entry, True),
    ]
    for module_id, count in app.exercise_modules.items():  # found by a worker after the first paint
        if module_id in modules:
            commands.append(
                PaletteCommand(
                    f"Verify {module_label(module_id)}: {modules[module_id]}",
                    f"Check your code for its {count} exercise{'s' if count != 1 else ''}",
                    partial(app.open_module, module_id, verify=True),
                )
            )
    decks = Counter(card.deck_id for card in load_cards(app.engine))  # as last synced (the home panel syncs)
    for deck_id, count in decks.items():
        commands.append(
            PaletteCommand(
                f"Drill deck {deck_id}",
                f"The due and new cards of its {count} cards",
                partial(app.open_drill, QueueQuery(deck=deck_id), f"Drill {deck_id}"),
            )
        )
    return commands


class LearnCommands(Provider):
    async def startup(self) -> None:
        """The commands, once per opening of the palette (a few queries), then matched per keystroke."""
        tracks = dashboard(self.app.engine)
        modules = {m.id: m.title for t in tracks for c in t.categories for m in c.modules}
        screen_commands = getattr(self.screen, "palette_commands", None)
        self.commands = [
            *(screen_commands() if screen_commands is not None else []),
            *activity_commands(self.app, modules),
            *app_commands(self.app),
            *module_commands(self.app, tracks),
        ]

    async def discover(self) -> Hits:
        for command in self.commands:
            if command.discover:
                yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = max(matcher.match(command.title), 0.8 * matcher.match(command.help))
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, command.title, command.help)
