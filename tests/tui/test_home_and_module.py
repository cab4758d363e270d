"""Pilot tests: the dashboard, navigation track > category > module, checklists, notes and links."""

from __future__ import annotations

import asyncio

from app.module_view import module_view
from app.study.store import open_store
from app.tui.screens.home import HomeScreen
from app.tui.screens.module import ModuleScreen
from app.tui.widgets.checklist import Checklist
from app.tui.widgets.progress_tree import ProgressTree
from tests.tui.app_state import shown_text


def status_of(item_id: str) -> str:
    module_id = item_id.split("/")[0]
    return next(item.status for item, _ in module_view(open_store(), module_id).walk() if item.id == item_id)


def test_home_shows_every_track_and_category_with_its_progress(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
            tree = app.screen.query_one(ProgressTree)
            lines = [tree.get_node_at_line(n) for n in range(tree.last_line + 1)]
            labels = [(node.data.kind, node.data.key) for node in lines]
            # tracks unfolded to their categories; modules folded
            assert labels == [
                ("track", "alpha"),
                ("category", "alpha/basics"),
                ("category", "alpha/serving"),
                ("track", "beta"),
                ("category", "beta/topics"),
            ]
            assert lines[0].data.counts.items_done == 1 and lines[0].data.counts.items_total == 7
            assert app.screen.sub_title == "2 / 9 items done"

    asyncio.run(scenario())


def test_enter_folds_a_category_and_opens_a_module_escape_comes_back(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("down", "enter")  # unfold "The Basics"
            tree = app.screen.query_one(ProgressTree)
            assert tree.cursor_node.data.key == "alpha/basics" and tree.cursor_node.is_expanded
            await pilot.press("down", "enter")  # module 0.1
            assert isinstance(app.screen, ModuleScreen) and app.screen.module_id == "0.1"
            checklist = app.screen.query_one(Checklist)
            assert checklist.has_focus
            assert checklist.highlighted_item.id == "0.1/linear-algebra"
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)

    asyncio.run(scenario())


def test_space_toggles_done_and_p_toggles_in_progress_through_set_status(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await pilot.pause()
            checklist = app.screen.query_one(Checklist)
            await pilot.press("down", "down")  # 0.1/matmul (children are listed under their parent)
            assert checklist.highlighted_item.id == "0.1/matmul"
            await pilot.press("space")
            assert status_of("0.1/matmul") == "done"
            assert checklist.highlighted_item.status == "done"
            assert app.screen.view.items_done == 2
            await pilot.press("space")
            assert status_of("0.1/matmul") == "todo"
            await pilot.press("p")
            assert status_of("0.1/matmul") == "in_progress"
            await pilot.press("space")  # in progress -> done
            assert status_of("0.1/matmul") == "done"
            await pilot.press("p")  # done -> in progress
            assert status_of("0.1/matmul") == "in_progress"
            await pilot.press("p")
            assert status_of("0.1/matmul") == "todo"
            assert checklist.highlighted_item.id == "0.1/matmul"  # the cursor stays on the item
            await pilot.press("escape")
            home_tree = app.screen.query_one(ProgressTree)
            assert home_tree._by_key["alpha"].data.counts.items_done == 1  # the dashboard reloaded

    asyncio.run(scenario())


def test_the_dashboard_reflects_a_toggle_when_shown_again(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("beta-cuda")
            await pilot.pause()
            await pilot.press("space")  # beta-cuda/warps done
            await pilot.press("escape")
            tree = app.screen.query_one(ProgressTree)
            assert tree._by_key["beta"].data.counts.items_done == 2
            assert app.screen.sub_title == "3 / 9 items done"

    asyncio.run(scenario())


def test_item_detail_shows_id_notes_and_links_and_o_opens_the_link(make_app, monkeypatch):
    opened = []

    async def scenario():
        app = make_app()
        monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1", "0.1/pca")
            await pilot.pause()
            detail = shown_text(app.screen.query_one("#item-detail"))
            assert "0.1/pca" in detail and "PCA notes" in detail
            await pilot.press("o")
            assert opened == ["https://example.com/pca"]

    asyncio.run(scenario())


def test_o_on_an_item_without_links_offers_the_modules_links(make_app, monkeypatch):
    opened = []

    async def scenario():
        app = make_app()
        monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("2.1")
            await pilot.pause()
            await pilot.press("o")  # 2.1/kv-cache has no link; the module has one resource with a URL
            assert opened == ["https://github.com/vllm-project/vllm"]
            app.open_module("0.2")
            await pilot.pause()
            await pilot.press("o")
            assert len(opened) == 1  # no links anywhere: a notice, nothing opened

    asyncio.run(scenario())


def test_several_links_are_offered_in_a_picker(make_app, curriculum, monkeypatch):
    text = (curriculum / "alpha.yaml").read_text()
    text = text.replace(
        "                  - url: https://example.com/pca\n                    title: PCA notes\n",
        "                  - url: https://example.com/pca\n                    title: PCA notes\n"
        "                  - url: https://example.com/svd\n                    title: SVD notes\n",
    )
    (curriculum / "alpha.yaml").write_text(text)
    opened = []

    async def scenario():
        app = make_app()
        monkeypatch.setattr(app, "open_url", lambda url, new_tab=True: opened.append(url))
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1", "0.1/pca")
            await pilot.pause()
            await pilot.press("o")
            assert type(app.screen).__name__ == "PickLinkScreen"
            await pilot.press("down", "enter")
            assert opened == ["https://example.com/svd"]
            assert isinstance(app.screen, ModuleScreen)

    asyncio.run(scenario())


def test_n_shows_the_notes_and_tables_as_markdown(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await pilot.pause()
            assert not app.screen.query("#notes")  # built only when first shown
            await pilot.press("n")
            await pilot.pause()
            notes = app.screen.query_one("#notes")
            assert "Memory Hierarchy" in notes.source and "| Registers | Very Low |" in notes.source
            assert "Read **chapter 2** first." in notes.source
            await pilot.press("n")
            assert app.screen.query_one("#module-tabs").active == "tab-checklist"
            assert app.screen.query_one(Checklist).has_focus

    asyncio.run(scenario())


def test_keys_panel_at_80_columns_keeps_the_tree_wide_and_lists_the_apps_keys_first(make_app):
    import asyncio

    from tests.tui.app_state import settle

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            tree = app.screen.query_one("#nav")
            await pilot.press("question_mark")
            await settle(app, pilot)
            assert app.screen.query("HelpPanel")
            assert tree.size.width >= 40, tree.size  # not squeezed to 18 columns
            shown = [b.action for _, b, _, _ in app.screen.active_bindings.values() if not b.system]
            assert shown[:3] == ["select_cursor", "toggle_node", "toggle_expand_all"]  # the tree's own, then the app's
            assert shown.index("app.drill") < 10  # was 21st, after every arrow and paging key of a Tree
            assert "cursor_parent" not in shown and "scroll_home" not in shown
            await pilot.press("down")  # the keys themselves still work
            await pilot.press("question_mark")
            await settle(app, pilot)
            assert not app.screen.query("HelpPanel") and app.screen.query_one("#today").display

    asyncio.run(scenario())
