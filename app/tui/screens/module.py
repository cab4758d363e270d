"""One module: its checklists (space: done, p: in progress), item notes and links (o), its notes and
tables as Markdown (n), the learner's own notes on the module and its items (m: an editor, as
`learn note`), and its exercises with their last verify result, `learn start` (s) and `learn verify`
(v) in a worker (e). Ticks go through app.progress.set_status, as `learn check` does."""

from __future__ import annotations

from rich.console import Group
from rich.markdown import Markdown as RichMarkdown
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static, TabbedContent, TabPane

from app.errors import LearnError
from app.module_view import ItemView, ModuleView, module_view
from app.progress import set_status
from app.relative_time import ago
from app.relative_time import module_heading as module_label
from app.tui.module_markdown import Link, item_links, module_links, notes_markdown
from app.tui.render import inline_markdown, progress_bar, status_mark
from app.tui.screens.base import DataScreen
from app.tui.screens.pick_link import PickLinkScreen
from app.tui.widgets.checklist import Checklist
from app.tui.widgets.exercises import ExercisePanel
from app.tui.widgets.key_bar import KeyBar
from app.tui.widgets.note_pane import NotePane

STATUS_WORDS = {"done": "done", "in_progress": "in progress", "todo": "to do"}
VERIFIED_MARK = {"passed": ("✔", "green"), "failed": ("✘", "red"), "not run": ("○", "dim")}


class ModuleScreen(DataScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the dashboard"),
        # not in the key bar (it has no room at 80 columns): the item's detail says "o opens it" under a link
        Binding("o", "open_link", "Link", id="open_link", tooltip="Open the item's link in the browser", show=False),
        Binding(
            "n",
            "toggle_tab('tab-notes')",
            "Notes",
            id="toggle_notes",
            tooltip="The module's notes, tables and resources (again: back to the checklist)",
        ),
        Binding(
            "m",
            "edit_note",
            "Note",
            id="edit_note",
            tooltip="Your own note on the highlighted item (on the module, from the other tabs)",
        ),
        Binding("ctrl+s", "save_note", "Save note", id="save_note", priority=True),
        Binding("v", "verify", "Verify", id="verify_module", tooltip="Check your code for this module's exercises"),
        # shown only on a CUDA machine, in a module with kernel exercises (check_action)
        Binding("b", "bench", "Bench", id="bench_kernels", tooltip="Check, then time your kernels on this GPU"),
        Binding(
            "s",
            "start_workspace",
            "Start",
            id="start_workspace",
            show=False,
            tooltip="Write the exercise stubs into your workspace (learn start)",
        ),
        Binding(
            "e",
            "toggle_tab('tab-exercises')",
            "Exercises",
            id="toggle_exercises",
            show=False,
            tooltip="The exercises and the verify log (again: back to the checklist)",
        ),
        Binding("d", "drill_module", "Drill", id="drill_module", tooltip="Drill the cards linked to this module"),
        Binding("l", "log_entry", "Log", id="module_log", tooltip="A log entry about this module"),
        Binding("slash", "app.search", "Search", id="module_search"),
    ]

    def __init__(self, module_id: str, item_id: str | None = None, *, verify: bool = False) -> None:
        super().__init__()
        self.module_id = module_id
        self.focus_item = item_id
        self.verify_when_listed = verify  # the palette's "Verify module X": run once the exercises are known
        self.view: ModuleView | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="module-heading")
        with TabbedContent(id="module-tabs"):
            with TabPane("Checklist", id="tab-checklist"):
                yield Checklist(id="checklist")
                yield Static(id="item-detail")
            with TabPane("Notes", id="tab-notes"):
                yield VerticalScroll(id="notes-scroll")  # the Markdown is mounted when first shown
            with TabPane("My notes", id="tab-my-notes"):
                yield NotePane(id="note-pane")
            with TabPane("Exercises", id="tab-exercises"):  # shown once the module is known to have some
                yield ExercisePanel(self.module_id, id="exercises")
        yield KeyBar()

    def on_mount(self) -> None:
        self.drill_cards = 0
        self.query_one(TabbedContent).hide_tab("tab-exercises")
        self.reload()
        self.query_one(Checklist).focus()
        self._count_drill_cards()

    # -- exercises (app/verify) ------------------------------------------------------------------------------

    @property
    def exercises(self) -> list[dict]:
        return self.query_one(ExercisePanel).exercises

    def _load_exercises(self) -> None:
        """The module's exercises and their last attempts; the registry imports reference_impls, so off
        the UI thread."""

        def read() -> None:
            from app.study.verify import module_exercises
            from app.verify.bench_mine import kernel_exercises

            found = module_exercises(self.learn.engine, self.module_id)
            self.app.call_from_thread(self._show_exercises, found)
            kernels = {e.id for e in kernel_exercises()} & {e["id"] for e in found}
            if kernels:  # then, torch imported: a module with kernels asks whether there is a GPU to time them on
                from kernels.harness import cuda_available

                if cuda_available():
                    self.app.call_from_thread(self._offer_bench, kernels)

        self.run_worker(read, thread=True, exclusive=True, group="exercises", exit_on_error=False)

    def _offer_bench(self, kernels: set[str]) -> None:
        """A CUDA device and kernel exercises here: `b` times them (learn bench --mine)."""
        panel = self.query_one(ExercisePanel)
        if not panel.timeable:
            panel.query_one("#verify-log").write("[dim]b: check, then time your kernels on this GPU[/]")
        panel.timeable = kernels
        self.refresh_bindings()

    def _show_exercises(self, exercises: list[dict]) -> None:
        tabs = self.query_one(TabbedContent)
        if exercises:
            tabs.show_tab("tab-exercises")
        self.query_one(ExercisePanel).show_exercises(exercises, self.learn.clock.now())
        if self.view is not None:  # the item's detail names its exercises' last results
            self._show_detail(self.query_one(Checklist).highlighted_item)
        self.refresh_bindings()
        if self.verify_when_listed and exercises:
            self.verify_when_listed = False
            self.action_verify()

    def action_verify(self) -> None:
        self.action_show_tab("tab-exercises")
        self.query_one(ExercisePanel).verify(self.learn.engine)
        self.refresh_bindings()

    def action_bench(self) -> None:
        """`learn bench --mine` for this module: its kernel exercises checked, then timed on the GPU."""
        self.action_show_tab("tab-exercises")
        self.query_one(ExercisePanel).verify(self.learn.engine, kernels_only=True)
        self.refresh_bindings()

    def action_start_workspace(self) -> None:
        self.action_show_tab("tab-exercises")
        self.query_one(ExercisePanel).start_workspace()

    def on_exercise_panel_finished(self, event: ExercisePanel.Finished) -> None:
        self.learn.wrote()
        self.reload()
        if event.ticked:
            self.notify(f"Ticked {len(event.ticked)} item{'s' if len(event.ticked) != 1 else ''}.", timeout=3)
        self.refresh_bindings()

    def _count_drill_cards(self) -> None:
        """Cards linked to this module's items (as `learn drill --module` selects them)."""
        from app.drill.store import load_cards

        items = {item.id for item, _ in self.view.walk()} if self.view else set()
        self.drill_cards = sum(1 for card in load_cards(self.learn.engine) if items.intersection(card.items))
        self.refresh_bindings()

    def action_drill_module(self) -> None:
        from app.drill.queue import QueueQuery

        self.learn.open_drill(QueueQuery(module=self.module_id), f"Drill {module_label(self.module_id)}")

    # -- data --------------------------------------------------------------------------------------------

    def load(self) -> None:
        self._show_view()
        self._load_exercises()  # their last attempts may have changed too (a `learn verify` elsewhere)

    def _show_view(self) -> None:
        try:
            view = module_view(self.learn.engine, self.module_id)
        except LearnError as exc:  # the module left the YAML while shown
            self.notify(exc.message, severity="error")
            self.app.call_later(self.learn.go_home)
            return
        first = self.view is None
        self.view = view
        self.title = f"{module_label(view.id)}"
        self.sub_title = view.title
        self._show_heading(view)
        self.query_one(Checklist).show_module(view, highlight=self.focus_item if first else None)
        self._show_detail(self.query_one(Checklist).highlighted_item)
        if self.query_one(TabbedContent).active == "tab-notes":
            self._show_notes()
        self._show_my_notes()

    # -- the learner's own notes (app/notes) ---------------------------------------------------------------

    def _show_my_notes(self) -> None:
        from app.notes.store import module_notes

        assert self.view is not None
        self.my_notes = module_notes(self.learn.engine, self.view.id)
        self.query_one(NotePane).show_list(self.my_notes, self.view)

    def action_edit_note(self, module: bool = False) -> None:
        """The highlighted item's note (from the checklist), else the module's, in the My notes pane."""
        from app.notes.store import Target

        if self.view is None:
            return
        item = self.query_one(Checklist).highlighted_item
        on_checklist = self.query_one(TabbedContent).active == "tab-checklist"
        if item is not None and on_checklist and not module:
            target = Target("item", item.id, self.view.id, item.text)
        else:
            target = Target("module", self.view.id, self.view.id, self.view.title)
        pane = self.query_one(NotePane)
        self.query_one(TabbedContent).active = "tab-my-notes"
        pane.edit(self.learn.engine, target)
        pane.editor.focus()

    def action_save_note(self) -> None:
        try:
            self.query_one(NotePane).save(self.learn.engine)
        except LearnError as exc:
            self.notify(exc.message, severity="error")

    def on_note_pane_saved(self, event: NotePane.Saved) -> None:
        self.learn.wrote()
        self.notify(f"{'Deleted' if event.deleted else 'Saved'} your note on {event.target_id}.", timeout=3)
        self._show_my_notes()
        self._show_detail(self.query_one(Checklist).highlighted_item)

    def _show_notes(self) -> None:
        """Markdown widgets are many widgets: built only when the tab is shown, updated when changed."""
        assert self.view is not None
        markdown = notes_markdown(self.view) or "_This module has no notes, tables or resources._"
        found = self.query("#notes")
        if not found:
            self.query_one("#notes-scroll").mount(Markdown(markdown, id="notes"))
            self._notes_shown = markdown
        elif markdown != self._notes_shown:
            found.first(Markdown).update(markdown)
            self._notes_shown = markdown

    def _show_heading(self, view: ModuleView) -> None:
        fraction = view.items_done / view.items_total if view.items_total else 0.0
        status = (
            "Done"
            if view.items_total and view.items_done == view.items_total
            else ("Started" if view.items_done or view.items_in_progress else "Not Started")
        )
        lines = [
            Text.assemble(
                (f"{module_label(view.id)}: ", "bold"),
                (view.title, "bold"),
                ("  " + view.track_title + " › " + view.category_title, "dim"),
            ),
        ]
        if view.summary:
            lines.append(Text(view.summary, style="italic"))
        doing = f", {view.items_in_progress} in progress" if view.items_in_progress else ""
        lines.append(
            Text.assemble(progress_bar(fraction, status, 20), f"  {view.items_done} / {view.items_total} done{doing}")
        )
        self.query_one("#module-heading", Static).update(Group(*lines))

    def _show_detail(self, item: ItemView | None) -> None:
        detail = self.query_one("#item-detail", Static)
        if item is None:
            detail.update("")
            return
        when = f" · changed {ago(item.updated_at, self.learn.clock.now())}" if item.updated_at else ""
        parts: list = [
            Text.assemble(
                status_mark(item.status), " ", (item.id, "bold"), (f" · {STATUS_WORDS[item.status]}{when}", "dim")
            )
        ]
        parts += self._verified_by(item)
        if item.notes:
            parts.append(RichMarkdown(item.notes))
        mine = getattr(self, "my_notes", {}).get(item.id)
        if mine is not None:  # the learner's own (m edits it)
            parts.append(Text.assemble(("✎ ", "yellow"), (mine.text, "yellow")))
        urls = len(item_links(item))
        hint = "  o opens it" if urls == 1 else "  o picks one to open"
        for link in item.links:
            if link.get("url"):
                parts.append(
                    Text.assemble(("↗ ", "blue"), (link.get("title") or link["url"], "blue underline"), (hint, "dim"))
                )
                hint = ""
            else:
                kind, target = next((k, v) for k, v in link.items() if k != "title" and v)
                parts.append(Text.assemble(("→ ", "dim"), (f"{kind}: ", "dim"), inline_markdown(target)))
        detail.update(Group(*parts))

    def _verified_by(self, item: ItemView) -> list[Text]:
        """A line per exercise that ticks the item: its last result (learn verify)."""
        from app.study.item_exercises import item_results

        lines = []
        for exercise_id, result, attempt in item_results(item.exercises, self.exercises):
            mark, style = VERIFIED_MARK[result]
            when = (
                (
                    f" {attempt['checks_passed']}/{attempt['checks_total']} checks "
                    f"{ago(attempt['started_at'], self.learn.clock.now())}"
                )
                if attempt
                else ""
            )
            lines.append(
                Text.assemble((mark, style), " verified by ", (exercise_id, "bold"), (f" · {result}{when}", "dim"))
            )
        return lines

    def on_option_list_option_highlighted(self, event: Checklist.OptionHighlighted) -> None:
        if isinstance(event.option_list, Checklist):
            self._show_detail(event.option_list.highlighted_item)

    # -- actions -----------------------------------------------------------------------------------------

    def on_checklist_status_requested(self, event: Checklist.StatusRequested) -> None:
        self.set_item_status(event.item.id, event.status)

    def set_item_status(self, item_id: str, status: str) -> None:
        try:
            set_status(self.learn.engine, [item_id], status)
        except LearnError as exc:
            self.notify(exc.message, severity="error")
            return
        self.learn.wrote()
        self.loaded_generation = self.learn.generation
        self._show_view()  # a toggle changes no verify attempt: the checklist and heading only

    def palette_commands(self) -> list:
        from app.tui.commands import PaletteCommand

        label = module_label(self.module_id)
        commands = []
        if getattr(self, "drill_cards", 0):
            commands.append(
                PaletteCommand(
                    f"Drill {label}",
                    f"The {self.drill_cards} cards linked to its items (d)",
                    self.action_drill_module,
                    True,
                )
            )
        if self.exercises:
            commands.append(
                PaletteCommand(
                    f"Verify {label}",
                    f"Check your code for its {len(self.exercises)} exercises (v)",
                    self.action_verify,
                    True,
                )
            )
            commands.append(
                PaletteCommand(
                    f"Start {label}", "Write its exercise stubs into your workspace (s)", self.action_start_workspace
                )
            )
        commands.append(
            PaletteCommand(
                f"Log entry about {label}",
                "Write a Captain's Log entry about this module (l)",
                self.action_log_entry,
                True,
            )
        )
        commands.append(
            PaletteCommand(
                f"My note on {label}",
                "Your own note on this module (m on an item: its note)",
                lambda: self.action_edit_note(module=True),
            )
        )
        return commands

    def action_log_entry(self) -> None:
        self.learn.open_log_editor(self.module_id)

    def action_back(self) -> None:
        pane = self.query_one(NotePane)
        if pane.dirty:  # escape keeps what was typed: saved, as ctrl+s would
            self.action_save_note()
        if self.query_one(TabbedContent).active == "tab-my-notes":
            self.action_show_tab("tab-checklist")
            return
        self.learn.go_home()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_tab" and parameters[0] == "tab-exercises":
            return bool(self.query_one(ExercisePanel).exercises)
        if action in ("verify", "start_workspace"):
            panel = self.query_one(ExercisePanel)
            return bool(panel.exercises) and not panel.running
        if action == "bench":
            panel = self.query_one(ExercisePanel)
            return bool(panel.timeable) and not panel.running
        if action == "drill_module":
            return bool(getattr(self, "drill_cards", 0))
        if action == "save_note":
            return self.query_one(TabbedContent).active == "tab-my-notes"
        if action == "edit_note":
            return self.query_one(TabbedContent).active != "tab-my-notes"  # there, m is typed into the note
        return True

    def action_toggle_tab(self, tab: str) -> None:
        self.action_show_tab("tab-checklist" if self.query_one(TabbedContent).active == tab else tab)

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus = {"tab-notes": "#notes-scroll", "tab-exercises": "#exercise-list", "tab-my-notes": "#my-note"}.get(
            tab, "#checklist"
        )
        self.query_one(focus).focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-notes" and self.view is not None:
            self._show_notes()
        if event.pane.id == "tab-my-notes" and self.query_one(NotePane).target is None:
            self.action_edit_note(module=True)  # the tab opened by itself (a click): the module's note
        self.refresh_bindings()

    def action_open_link(self) -> None:
        if self.view is None:
            return
        item = self.query_one(Checklist).highlighted_item
        on_tab_checklist = self.query_one(TabbedContent).active == "tab-checklist"
        links = item_links(item) if item is not None and on_tab_checklist else []
        if not links:
            links = module_links(self.view)
        if not links:
            self.notify("No links in this module.")
        elif len(links) == 1:
            self.open_link(links[0])
        else:
            self.app.push_screen(PickLinkScreen(links), self.open_link)

    def open_link(self, link: Link | None) -> None:
        from app.links import browser_url

        if link is not None:
            self.app.open_url(link.url)  # refused there, with a notice, unless http(s)
            if browser_url(link.url) is not None:
                self.notify(f"Opened {link.url}", timeout=3)
