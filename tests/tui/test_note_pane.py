"""Pilot tests: the learner's own notes in the module screen's My notes pane (app/notes)."""

from __future__ import annotations

import asyncio

from app.notes.store import get_note, module_notes
from app.study.store import open_store
from app.tui.screens.module import ModuleScreen
from app.tui.widgets.checklist import Checklist
from tests.tui.app_state import shown_text


def test_m_writes_the_highlighted_items_note_ctrl_s_saves_and_the_detail_shows_it(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await pilot.pause()
            screen = app.screen
            await pilot.press("down", "down")
            assert screen.query_one(Checklist).highlighted_item.id == "0.1/matmul"
            await pilot.press("m")
            editor = screen.query_one("#my-note")
            assert editor.has_focus and editor.text == ""
            assert "Your note on 0.1/matmul" in shown_text(screen.query_one("#my-note-target"))
            await pilot.press(*"rows times columns", "enter", *"m n k")  # m and n are typed, not keys
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert get_note(open_store(), "0.1/matmul").text == "rows times columns\nm n k"
            assert "rows times columns" in shown_text(screen.query_one("#my-notes-list"))
            await pilot.press("escape", "escape")  # out of the editor, back to the checklist
            assert screen.query_one(Checklist).has_focus and isinstance(app.screen, ModuleScreen)
            assert "✎ rows times columns" in shown_text(screen.query_one("#item-detail"))

    asyncio.run(scenario())


def test_the_modules_note_escape_saves_and_empty_deletes(make_app):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.1")
            await pilot.pause()
            screen = app.screen
            screen.action_edit_note(module=True)
            await pilot.pause()
            assert "this module (0.1)" in shown_text(screen.query_one("#my-note-target"))
            await pilot.press(*"read chapter 2")
            await pilot.press("escape", "escape")  # what was typed is kept
            assert get_note(open_store(), "0.1").text == "read chapter 2"
            screen.action_edit_note(module=True)
            await pilot.pause()
            screen.query_one("#my-note").text = ""
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert module_notes(open_store(), "0.1") == {}
            assert "No notes of yours" in shown_text(screen.query_one("#my-notes-list"))

    asyncio.run(scenario())
