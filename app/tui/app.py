"""The Textual app: screens over the same functions as the CLI, one database, live refresh.

    learn                 # app.cli.main runs `run()` when no command is given

Refresh: every POLL_SECONDS the app reads `PRAGMA data_version` (app/tui/data_version.py); when
another process (the CLI) or a worker committed, the shown screen reloads and the others reload when
shown again. `r` also re-reads the curriculum YAML. Writes use app.progress (BEGIN IMMEDIATE, busy
timeout), so the CLI and the TUI can write at once without "database is locked".
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from textual.app import App
from textual.binding import Binding

from app.errors import LearnError
from app.tui.clock import SystemClock
from app.tui.commands import LearnCommands
from app.tui.data_version import DataVersion
from app.tui.settings import load_settings, save_settings

POLL_SECONDS = 1.0


class LearnApp(App[None]):
    TITLE = "learn"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere (benchmarks) find it
    COMMANDS = App.COMMANDS | {LearnCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    # Every key works everywhere; each screen shows in its key bar the ones that matter there.
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit", tooltip="Leave learn", show=False),
        Binding("slash", "search", "Search", id="search", tooltip="Find any checklist item", show=False),
        Binding("r", "refresh", "Refresh", id="refresh", tooltip="Re-read the YAML and the database", show=False),
        Binding("t", "toggle_theme", "Theme", id="toggle_theme", tooltip="Light or dark", show=False),
        Binding("question_mark", "toggle_keys", "Keys", id="keys", tooltip="Show or hide every key", show=False),
    ]

    def __init__(
        self, engine: Engine, *, clock=None, poll_seconds: float | None = POLL_SECONDS, cursor_blink: bool = True
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink  # tests and snapshots turn it off, so frames are stable
        self.engine = engine
        self.clock = clock or SystemClock()
        self.generation = 0  # bumped on every change to the data; screens compare it to theirs
        self.poll_seconds = poll_seconds
        self.settings = load_settings()
        self.theme = self.settings["theme"]
        # Keys remapped by binding id in LEARN_HOME/tui.json: {"keymap": {"toggle_in_progress": "i"}}
        self.set_keymap(self.settings.get("keymap") or {})
        self._data_version = DataVersion(Path(engine.url.database or ""))

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Every link the TUI opens (a module's, a Markdown note's) passes `browser_url` first."""
        from app.links import browser_url

        if browser_url(url) is None:
            self.notify("Not opened: only http and https links open in the browser.", severity="warning")
        else:
            super().open_url(url, new_tab=new_tab)

    def get_line_filters(self):
        """Textual's filters, then one that drops terminal control sequences from every rendered line."""
        from app.tui.terminal_filter import SAFE_TEXT

        return [*super().get_line_filters(), SAFE_TEXT]

    def on_mount(self) -> None:
        from app import notices

        notices.set_handler(self._notice)  # the core's notices (a broken curriculum file, say) as toasts, not stderr
        self.exercise_modules: dict[str, int] = {}  # module id -> exercises, for the palette's "Verify ..."
        self.call_after_refresh(
            self.run_worker, self._find_exercise_modules, thread=True, group="registry", exit_on_error=False
        )
        if self.poll_seconds:
            self.set_interval(self.poll_seconds, self.poll_database, name="poll-database")

    def on_unmount(self) -> None:
        from app import notices

        notices.set_handler(None)
        self._data_version.close()

    def _notice(self, message: str) -> None:
        text = message.removeprefix("learn: ")
        try:  # from a worker thread (a verify run opening the store)
            self.call_from_thread(self.notify, text, severity="warning", timeout=8)
        except RuntimeError:  # on the app's own thread
            self.notify(text, severity="warning", timeout=8)

    def watch_theme(self, theme: str) -> None:
        if getattr(self, "settings", None) is not None and self.settings.get("theme") != theme:
            self.settings["theme"] = theme
            key = "light_theme" if self.current_theme.dark is False else "dark_theme"
            self.settings[key] = theme
            save_settings(self.settings)

    # -- data ---------------------------------------------------------------------------------------------

    def poll_database(self) -> None:
        if self._data_version.changed():
            self.data_changed()

    def data_changed(self) -> None:
        """Something was committed: reload the shown screen now, the others when they are shown."""
        from app.tui.screens.base import DataScreen

        self.generation += 1
        for screen in self.screen_stack:
            if isinstance(screen, DataScreen) and screen.is_current:
                screen.reload()

    def wrote(self) -> None:
        """After our own write, which the shown screen reloads itself: mark the others stale, and take
        the commit off the poll (everything committed until now is in what the screen reloads)."""
        self.generation += 1
        self._data_version.changed()

    # -- navigation ---------------------------------------------------------------------------------------

    def _find_exercise_modules(self) -> None:
        """Which modules have exercises (the registry imports reference_impls: after the first paint)."""
        from collections import Counter

        from app.verify import registry

        found = Counter(module for exercise in registry.listings() for module in registry.modules_of(exercise))
        self.call_from_thread(setattr, self, "exercise_modules", dict(found))

    def get_default_screen(self):
        from app.tui.screens.home import HomeScreen

        return HomeScreen()

    @property
    def home(self):
        return self.screen_stack[0]

    def go_home(self) -> None:
        """Close every screen above the dashboard."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def open_module(self, module_id: str, item_id: str | None = None, *, verify: bool = False) -> None:
        """Show a module (at one of its items, or verifying its exercises); escape comes back home."""
        from app.tui.screens.module import ModuleScreen

        self.go_home()
        self.home.show_module_in_tree(module_id)
        self.push_screen(ModuleScreen(module_id, item_id, verify=verify))

    def open_drill(self, query=None, title: str = "Drill") -> None:
        """A drill session (all due cards, or `query`: an app.drill.queue.QueueQuery)."""
        from app.tui.screens.drill import DrillScreen

        self.push_screen(DrillScreen(query, title))

    def action_drill(self) -> None:
        self.open_drill()

    def show_log(self, highlight: str | None = None) -> None:
        """The Captain's Log (over the dashboard), at entry `highlight`."""
        from app.tui.screens.log import LogScreen

        self.go_home()
        self.push_screen(LogScreen(highlight))

    def open_log_editor(self, module_id: str | None = None, entry=None) -> None:
        """A new entry (about `module_id`, else the module last worked on), or `entry` to edit."""
        from app.tui.screens.log_editor import LogEditorScreen

        self.push_screen(LogEditorScreen(module_id, entry))

    def action_log(self) -> None:
        self.show_log()

    def action_new_log_entry(self) -> None:
        self.open_log_editor()

    def action_home(self) -> None:
        self.go_home()

    def action_search(self) -> None:
        from app.tui.screens.search import SearchScreen

        def chosen(hit) -> None:
            if hit is not None:
                self.open_module(hit.module_id, hit.item_id)

        self.push_screen(SearchScreen(), chosen)

    def action_refresh(self) -> None:
        from app.curriculum.sync import sync_curriculum

        try:
            result = sync_curriculum(self.engine)
        except LearnError as exc:
            self.notify(exc.message, title="Curriculum not synced", severity="error", timeout=10)
            return
        self.data_changed()
        self.notify("Curriculum re-read from the YAML." if result.changed else "Up to date.", timeout=2)

    def action_toggle_theme(self) -> None:
        self.theme = self.settings["light_theme"] if self.current_theme.dark else self.settings["dark_theme"]

    def action_press(self, key: str) -> None:
        """What a click on a key in the key bar does."""
        self.simulate_key(key)

    def action_toggle_keys(self) -> None:
        shown = not self.screen.query("HelpPanel")
        self.screen.set_class(shown, "-keys-shown")  # app.tcss gives the panel the side panels' room
        if shown:
            self.action_show_help_panel()
        else:
            self.action_hide_help_panel()


def run() -> None:
    """Open the store as every command does (curriculum synced), then the app (in a terminal only:
    `learn` in a pipe or a CI job says what to run instead of waiting for keys that never come).
    app.cli.main calls it for `learn` with no command and turns a LearnError into its one-line message."""
    import sys

    from app.study.store import open_store

    engine = open_store()  # a broken database or curriculum is the first thing to hear about
    if not (sys.__stdin__ and sys.__stdin__.isatty() and sys.__stderr__ and sys.__stderr__.isatty()):
        raise LearnError("the dashboard needs a terminal; `learn status` prints it, `learn --help` lists the commands")
    LearnApp(engine).run()
