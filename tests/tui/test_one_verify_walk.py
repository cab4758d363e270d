"""`learn verify softmax` and the module screen's `v` take the same walk to the stored attempt: both
call app.study.verify.verify, and the attempt each stores is the one that call returns."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3

import pytest

import app.study.verify
from tests.tui.app_state import settle
from tests.tui.test_verify_screen import SOLUTION, softmax_only  # noqa: F401 - the fixture


@pytest.fixture
def calls(monkeypatch) -> list[dict]:
    """Every call of the core's verify (through to the real one): its exercises and what it stored."""
    real = app.study.verify.verify
    seen: list[dict] = []

    def spy(exercises, store, **kwargs):
        run = real(exercises, store, **kwargs)
        seen.append(
            {
                "exercises": [e.id for e in exercises],
                "attempt_ids": run.attempt_ids,
                "ticked": run.ticks.ticked if run.ticks else None,
            }
        )
        return run

    monkeypatch.setattr(app.study.verify, "verify", spy)
    return seen


def stored_attempts(home) -> list[str]:
    with sqlite3.connect(home / "learn.db") as conn:
        query = "SELECT id FROM verify_attempt WHERE exercise_id = 'softmax' ORDER BY rowid"
        return [row[0] for row in conn.execute(query)]


def test_the_cli_and_the_tui_verify_through_the_same_core_function(cli, make_app, softmax_only, calls, learn_home):
    (softmax_only / "module-0.2").mkdir(parents=True)
    shutil.copy(SOLUTION, softmax_only / "module-0.2" / "softmax.py")

    result = cli("verify", "softmax", "--json")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert [c["exercises"] for c in calls] == [["softmax"]]
    assert printed["attempt_ids"] == calls[0]["attempt_ids"] == stored_attempts(learn_home)
    assert printed["ticked"] == calls[0]["ticked"] and printed["ticked"]

    async def scenario():
        tui = make_app()
        async with tui.run_test(size=(80, 24)) as pilot:
            tui.open_module("0.2")
            await settle(tui, pilot)
            await pilot.press("v")
            await settle(tui, pilot)
            assert tui.screen.exercises[0]["last"]["passed"] is True

    asyncio.run(scenario())
    assert [c["exercises"] for c in calls] == [["softmax"], ["softmax"]]
    assert stored_attempts(learn_home) == calls[0]["attempt_ids"] + calls[1]["attempt_ids"]
    assert calls[1]["ticked"] == []  # the CLI's run ticked the items already
