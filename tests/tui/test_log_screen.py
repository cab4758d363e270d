"""Pilot tests: the Captain's Log screen (list, read) and writing and editing entries in a TextArea
prefilled as `learn log add` / `learn log edit` prefill the editor."""

from __future__ import annotations

import asyncio

from app.journal.store import list_entries
from app.study.store import open_store
from app.tui.screens.log import LogScreen
from app.tui.screens.log_editor import LogEditorScreen
from tests.tui.app_state import settle, shown_text


def test_l_lists_n_writes_an_entry_on_the_template(make_app, cli, monkeypatch):
    monkeypatch.setattr("app.journal.compose.today", lambda: "2025-03-14")
    assert cli("check", "0.2/layer").exit_code == 0  # the module last worked on, and activity to report

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            await pilot.press("l")
            assert isinstance(app.screen, LogScreen)
            assert "No entries yet" in shown_text(app.screen.query_one("#log-entry"))
            await pilot.press("n")
            editor = app.screen.query_one("#log-editor")
            assert isinstance(app.screen, LogEditorScreen) and editor.has_focus
            lines = editor.text.splitlines()
            assert lines[0] == "2025-03-14: Module 0.2 - Backprop" and lines[1] == "Progress: "  # the cursor there
            assert any(line.startswith("# ") and "Step 1" in line for line in lines)  # since the last entry
            await pilot.press(*"built the Layer class")
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, LogScreen)
            entries = list_entries(open_store())
            assert [(e.date, e.module_id, e.progress) for e in entries] == [
                ("2025-03-14", "0.2", "built the Layer class")
            ]
            assert "built the Layer class" in shown_text(app.screen.query_one("#log-entry"))
            await pilot.press("escape")
            assert type(app.screen).__name__ == "HomeScreen"

    asyncio.run(scenario())


def test_e_edits_the_highlighted_entry(make_app, cli):
    for text in ("first", "second"):
        assert cli("log", "add", "--module", "0.1", "--progress", text).exit_code == 0

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.show_log()
            await pilot.pause()
            assert [e.progress for e in app.screen.entries] == ["second", "first"]
            await pilot.press("down", "e")
            editor = app.screen.query_one("#log-editor")
            assert "Progress: first" in editor.text
            editor.text = editor.text.replace("Progress: first", "Progress: first, edited\nKey Insight: it works")
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, LogScreen)
            edited = {e.progress: e for e in list_entries(open_store())}
            assert edited["first, edited"].insight == "it works"
            assert app.screen.entries[app.screen.query_one("#log-list").highlighted].progress == "first, edited"

    asyncio.run(scenario())


def test_unchanged_or_unreadable_text_is_not_saved_and_the_editor_stays(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_log_editor("0.1")
            await pilot.pause()
            editor = app.screen.query_one("#log-editor")
            assert editor.text.startswith(tuple(f"20{n}" for n in range(10)))  # today's date
            assert "Module 0.1 - Linear Algebra" in editor.text.splitlines()[0]
            await pilot.press("ctrl+s")  # the template as it came
            assert isinstance(app.screen, LogEditorScreen)
            editor.text = "2025-03-14: Module 9.9 - Nowhere\nProgress: lost\n"
            await pilot.press("ctrl+s")
            assert isinstance(app.screen, LogEditorScreen)
            assert any("9.9" in n.message for n in app._notifications)
            assert list_entries(open_store()) == []
            await pilot.press("escape")  # unsaved text: a warning first
            assert isinstance(app.screen, LogEditorScreen)
            await pilot.press("escape")
            assert not isinstance(app.screen, LogEditorScreen)
            assert list_entries(open_store()) == []

    asyncio.run(scenario())


def test_l_on_a_module_writes_about_that_module(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("beta-cuda")
            await pilot.pause()
            await pilot.press("l")
            editor = app.screen.query_one("#log-editor")
            assert "Module beta-cuda - CUDA" in editor.text.splitlines()[0]

    asyncio.run(scenario())
