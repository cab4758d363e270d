"""Pilot tests: `/` search across all items, the command palette, the light and dark themes."""

from __future__ import annotations

import asyncio
import json

from app.tui.screens.home import HomeScreen
from app.tui.screens.module import ModuleScreen
from app.tui.widgets.checklist import Checklist


def test_slash_searches_every_track_and_enter_opens_the_item(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("slash")
            assert type(app.screen).__name__ == "SearchScreen"
            await pilot.press(*"matrix")
            assert [hit.item_id for hit in app.screen.hits] == ["0.1/matmul"]
            await pilot.press("enter")
            assert isinstance(app.screen, ModuleScreen) and app.screen.module_id == "0.1"
            assert app.screen.query_one(Checklist).highlighted_item.id == "0.1/matmul"
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)
            assert app.screen.query_one("ProgressTree").cursor_node.data.key == "0.1"

    asyncio.run(scenario())


def test_search_results_are_navigable_and_escape_cancels(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("slash", *"in")  # "Linear Algebra", "Vector operations, ... norms", "Implement ..."
            hits = app.screen.hits
            assert len(hits) > 2
            await pilot.press("down", "down", "enter")  # into the list, then one down
            assert isinstance(app.screen, ModuleScreen)
            assert app.screen.query_one(Checklist).highlighted_item.id == hits[1].item_id
            await pilot.press("slash", *"zzz")
            assert app.screen.hits == []
            await pilot.press("enter")  # nothing to open
            assert type(app.screen).__name__ == "SearchScreen"
            await pilot.press("escape")
            assert isinstance(app.screen, ModuleScreen)

    asyncio.run(scenario())


def test_typing_in_search_does_not_trigger_app_keys(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("slash", *"quit the theme r")
            assert app.is_running and app.theme == "textual-dark"
            assert app.screen.query_one("Input").value == "quit the theme r"

    asyncio.run(scenario())


def test_palette_goes_to_a_module(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("ctrl+p")
            await pilot.press(*"go backprop")
            await pilot.pause(0.3)  # the palette searches in a worker
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ModuleScreen) and app.screen.module_id == "0.2"

    asyncio.run(scenario())


def test_palette_commands_are_context_sensitive(make_app):
    from app.tui.commands import LearnCommands

    async def titles(screen, query: str) -> list[str]:
        provider = LearnCommands(screen, None)
        await provider.startup()
        return [hit.text async for hit in provider.search(query)]

    async def discovered(screen) -> list[str]:
        provider = LearnCommands(screen, None)
        await provider.startup()
        return [str(hit.display) async for hit in provider.discover()]

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)):
            assert "Search items" in await discovered(app.screen)
            found = await titles(app.screen, "go")
            assert "Go to Module 0.1: Linear Algebra" in found and "Go to beta-cuda: CUDA" in found

    asyncio.run(scenario())


def test_t_toggles_light_and_dark_and_the_choice_is_kept(make_app, learn_home):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            assert app.theme == "textual-dark"
            await pilot.press("t")
            assert app.theme == "textual-light"
        assert json.loads((learn_home / "tui.json").read_text())["theme"] == "textual-light"
        again = make_app()
        async with again.run_test(size=(80, 24)) as pilot:
            assert again.theme == "textual-light"
            await pilot.press("t")
            assert again.theme == "textual-dark"

    asyncio.run(scenario())


def test_a_theme_picked_in_the_palette_becomes_the_light_or_dark_choice(make_app, learn_home):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.theme = "nord"
            await pilot.pause()
            await pilot.press("t")
            assert app.theme == "textual-light"
            await pilot.press("t")
            assert app.theme == "nord"

    asyncio.run(scenario())


def test_palette_offers_drills_the_log_and_verify_everywhere(make_app, monkeypatch):
    from app.tui.commands import LearnCommands
    from app.verify import registry
    from tests.tui.app_state import settle

    softmax = next(e for e in registry.exercises() if e.id == "softmax")
    monkeypatch.setattr(registry, "exercises", lambda: [softmax])
    monkeypatch.setattr(registry, "listings", lambda: [softmax])  # what the TUI lists from

    async def titles(screen, query: str) -> list[str]:
        provider = LearnCommands(screen, None)
        await provider.startup()
        return [hit.text async for hit in provider.search(query)]

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            assert "Drill deck basics" in await titles(app.screen, "drill deck")
            assert "Log: new entry" in await titles(app.screen, "log new")
            assert "Verify Module 0.2: Backprop" in await titles(app.screen, "verify")
            app.open_module("0.1")
            await settle(app, pilot)
            found = await titles(app.screen, "module 0.1")
            assert "Drill Module 0.1" in found and "Log entry about Module 0.1" in found
            await pilot.press("ctrl+p", *"log new")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await pilot.pause()
            assert type(app.screen).__name__ == "LogEditorScreen"

    asyncio.run(scenario())


def test_keys_are_remapped_by_binding_id_from_tui_json(make_app, learn_home):
    from app.module_view import module_view

    learn_home.mkdir(parents=True, exist_ok=True)
    (learn_home / "tui.json").write_text(json.dumps({"keymap": {"toggle_in_progress": "i"}}))

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.2")
            await pilot.pause()
            await pilot.press("down", "i")  # 0.2/linear, in progress with the learner's own key
            statuses = {item.id: item.status for item, _ in module_view(app.engine, "0.2").walk()}
            assert statuses["0.2/linear"] == "in_progress"

    asyncio.run(scenario())
