"""The module screen's `b` (learn bench --mine): offered only on a CUDA machine in a module with kernel
exercises; it runs those exercises alone, whose children time the kernels once their checks pass."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from app.tui.widgets.exercises import ExercisePanel
from app.verify import bench_mine, registry
from tests.tui.app_state import settle
from tests.tui.test_verify_screen import SOLUTION, softmax_only  # noqa: F401 - the fixture


def _keys(screen) -> list[str]:
    return [description for _, _, _, description in screen.query_one("KeyBar")._shown()]


@pytest.mark.parametrize("cuda", [False, True])
def test_bench_is_offered_only_with_cuda_and_times_the_kernel_exercises(make_app, softmax_only, monkeypatch, cuda):  # noqa: F811
    from kernels import harness

    softmax = next(e for e in registry.listings() if e.id == "softmax")
    monkeypatch.setattr(bench_mine, "kernel_exercises", lambda: [softmax])  # softmax stands for a kernel here
    monkeypatch.setattr(harness, "cuda_available", lambda: cuda)
    (softmax_only / "module-0.2").mkdir(parents=True)
    shutil.copy(SOLUTION, softmax_only / "module-0.2" / "softmax.py")

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            app.open_module("0.2")
            await settle(app, pilot)
            await settle(app, pilot)  # the exercises, then whether there is a GPU
            screen = app.screen
            panel = screen.query_one(ExercisePanel)
            assert ("Bench" in _keys(screen)) is cuda and "Verify" in _keys(screen)
            await pilot.press("b")
            await settle(app, pilot)
            await settle(app, pilot)
            log = "\n".join(str(line.text) for line in screen.query_one("#verify-log").lines)
            if not cuda:
                assert "Timing your kernels" not in log and screen.exercises[0]["last"] is None
                return
            assert panel.timeable == {"softmax"} and not panel.running
            assert "Timing your kernels" in log and "1 of 1 exercises passed" in log
            assert screen.exercises[0]["last"]["passed"] is True

    asyncio.run(scenario())
