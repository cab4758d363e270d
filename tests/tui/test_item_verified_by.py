"""Pilot test: on the module screen, the highlighted item's detail names the exercise that verifies
it and its last result (as `learn show` does), updated when a verify run ends."""

from __future__ import annotations

import asyncio
import shutil

from tests.tui.app_state import settle, shown_text
from tests.tui.test_verify_screen import SOLUTION, softmax_only  # noqa: F401 - the fixture

VERIFIED = "0.2/activation-functions-relu-sigmoid-tanh"


def test_the_item_detail_shows_its_exercise_and_last_result(make_app, softmax_only):  # noqa: F811
    workspace = softmax_only

    async def scenario():
        app = make_app()
        async with app.run_test(size=(100, 30)) as pilot:
            app.open_module("0.2", VERIFIED)
            await settle(app, pilot)
            screen = app.screen
            detail = lambda: shown_text(screen.query_one("#item-detail"))  # noqa: E731
            assert "○ verified by softmax · not run" in detail()
            await pilot.press("s")
            await settle(app, pilot)
            with (workspace / "module-0.2" / "softmax.py").open("a", encoding="utf-8") as f:
                f.write("# first try\n")  # a started stub fails (an untouched one is "not started")
            await pilot.press("v")
            await settle(app, pilot)
            assert "✘ verified by softmax · failed 0/" in detail()
            shutil.copy(SOLUTION, workspace / "module-0.2" / "softmax.py")
            await pilot.press("v")
            await settle(app, pilot)
            total = screen.exercises[0]["last"]["checks_total"]
            assert f"✔ verified by softmax · passed {total}/{total} checks" in detail()
            await pilot.press("e")  # from the exercises tab back to the checklist
            await pilot.press("down")  # 0.2/other: no exercise ticks it
            await pilot.pause()
            assert screen.query_one("#checklist").highlighted_item.id == "0.2/other"
            assert "verified by" not in detail()

    asyncio.run(scenario())
