"""Home: every track with a bar per category (the plan's Progress Dashboard, live), and today's summary.

The tree is the navigation: tracks fold into categories, categories into modules; enter opens a module.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Header, Tree

from app.dashboard import dashboard
from app.tui.screens.base import DataScreen
from app.tui.widgets.key_bar import KeyBar
from app.tui.widgets.progress_tree import NavNode, ProgressTree
from app.tui.widgets.today import TodayPanel


class HomeScreen(DataScreen):
    BINDINGS = [
        Binding("c", "continue", "Continue", id="continue", tooltip="Open the module you last worked on", show=False),
        Binding("d", "app.drill", "Drill", id="home_drill", tooltip="Review the due cards, then new ones"),
        Binding("l", "app.log", "Log", id="home_log", tooltip="The Captain's Log"),
        Binding("slash", "app.search", "Search", id="home_search"),
        Binding("r", "app.refresh", "Refresh", id="home_refresh", show=False),  # in ? and the palette
        Binding("t", "app.toggle_theme", "Theme", id="home_theme", show=False),
        Binding("question_mark", "app.toggle_keys", "Keys", id="home_keys"),
        Binding("q", "app.quit", "Quit", id="home_quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="home-body"):
            yield ProgressTree(id="nav")
            yield TodayPanel(id="today")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "learn"
        self.reload()
        self.query_one(ProgressTree).focus()

    def load(self) -> None:
        tracks = dashboard(self.learn.engine)
        self.query_one(ProgressTree).show_tracks(tracks)
        done = sum(t.items_done for t in tracks)
        total = sum(t.items_total for t in tracks)
        self.sub_title = f"{done} / {total} items done" if total else "no curriculum yet"
        self.query_one(TodayPanel).show_totals(tracks)
        # after the frame is painted: the deck sync and FSRS replays must not delay the first paint
        self.call_after_refresh(
            self.run_worker, self._read_today, thread=True, exclusive=True, group="today", exit_on_error=False
        )

    def _read_today(self) -> None:
        """Drills (a deck sync, FSRS replays), verify runs and log entries: off the UI thread."""
        from app.today import today_summary

        now = self.learn.clock.now()
        today = today_summary(self.learn.engine, now)
        self.app.call_from_thread(self.query_one(TodayPanel).show_today, today, now)

    def action_continue(self) -> None:
        from app.journal.store import current_module

        module_id = current_module(self.learn.engine)
        if module_id is None:
            self.notify("Nothing started yet: pick a module and tick an item (space).")
        else:
            self.learn.open_module(module_id)

    def on_tree_node_selected(self, event: Tree.NodeSelected[NavNode]) -> None:
        if event.node.data is not None and event.node.data.kind == "module":
            self.learn.open_module(event.node.data.key)

    def show_module_in_tree(self, module_id: str) -> None:
        """Put the cursor on the module, so escape comes back to where the learner was."""
        trees = self.query(ProgressTree)
        if trees:
            trees.first().select_key(module_id)
