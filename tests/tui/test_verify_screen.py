"""Pilot tests: from a module, `s` writes the exercise stubs, `v` verifies the learner's files in a
worker (the log and the bar stream), and a pass ticks the linked items, as `learn verify` does."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from app.module_view import module_view
from app.study.store import open_store
from app.tui.widgets.exercises import ExercisePanel
from app.verify import registry
from tests.tui.app_state import settle

REPO = Path(__file__).resolve().parents[2]
SOLUTION = REPO / "reference_impls" / "numpy" / "softmax.py"
CURRICULUM = (Path(__file__).parents[1] / "fixtures" / "verify_curriculum" / "t.yaml").read_text(encoding="utf-8")


@pytest.fixture
def softmax_only(curriculum, monkeypatch, tmp_path):
    """The verify engine's own test setup: a curriculum with softmax's two items, softmax alone."""
    for path in curriculum.glob("*.yaml"):
        path.unlink()
    (curriculum / "t.yaml").write_text(CURRICULUM, encoding="utf-8")
    softmax = next(e for e in registry.exercises() if e.id == "softmax")
    monkeypatch.setattr(registry, "exercises", lambda: [softmax])
    monkeypatch.setattr(registry, "listings", lambda: [softmax])  # what the TUI lists from
    monkeypatch.setenv("LEARN_DRILLS", str(tmp_path / "no-decks"))
    return tmp_path / "workspace"


def statuses(module_id: str) -> dict[str, str]:
    return {item.id: item.status for item, _ in module_view(open_store(), module_id).walk()}


def test_start_then_verify_a_planted_solution_ticks_the_items(make_app, softmax_only):
    workspace = softmax_only

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.2")
            await settle(app, pilot)
            screen = app.screen
            assert [e["id"] for e in screen.exercises] == ["softmax"]
            assert screen.exercises[0]["last"] is None
            await pilot.press("v")  # no files yet: says what to do
            await settle(app, pilot)
            log = "\n".join(str(line.text) for line in screen.query_one("#verify-log").lines)
            assert "No exercise files yet" in log
            await pilot.press("s")
            stub = workspace / "module-0.2" / "softmax.py"
            assert stub.is_file() and "TODO" in stub.read_text()
            await pilot.press("v")  # the untouched stub: not started, not a failed attempt
            await settle(app, pilot)
            log = "\n".join(str(line.text) for line in screen.query_one("#verify-log").lines)
            assert "softmax  not started" in log and "✘" not in log
            assert screen.exercises[0]["last"] is None
            stub.write_text(stub.read_text() + "# begun\n")
            await pilot.press("v")  # begun, still raising NotImplementedError: a failed attempt, nothing ticked
            await settle(app, pilot)
            assert screen.exercises[0]["last"]["passed"] is False
            assert statuses("0.2")["0.2/activation-functions-relu-sigmoid-tanh"] == "todo"
            shutil.copy(SOLUTION, stub)  # the learner's correct solution
            panel = screen.query_one(ExercisePanel)
            await pilot.press("v")
            await settle(app, pilot)
            assert not panel.running
            log = "\n".join(str(line.text) for line in screen.query_one("#verify-log").lines)
            assert "1 of 1 exercises passed" in log and "✔ ticked" in log
            assert screen.exercises[0]["last"]["passed"] is True
            assert statuses("0.2")["0.2/activation-functions-relu-sigmoid-tanh"] == "done"
            shown = {item.id: item.status for item, _ in screen.view.walk()}  # the ticks show at once
            assert shown["0.2/activation-functions-relu-sigmoid-tanh"] == "done"
            assert statuses("iv-deliverables")["iv-deliverables/sigmoid-relu-softmax-from-scratch-numpy"] == "done"

    asyncio.run(scenario())


def test_a_module_without_exercises_has_no_exercise_tab_or_verify_key(make_app, softmax_only):
    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("2.1")
            await settle(app, pilot)
            screen = app.screen
            assert screen.exercises == []
            assert not screen.query_one("#module-tabs").get_tab("tab-exercises").display
            keys = [description for _, _, _, description in screen.query_one("KeyBar")._shown()]
            assert "Verify" not in keys and "Notes" in keys
            await pilot.press("v")
            assert not screen.query_one(ExercisePanel).running

    asyncio.run(scenario())


def test_the_palettes_verify_opens_the_module_and_runs(make_app, softmax_only):
    (softmax_only / "module-0.2").mkdir(parents=True)
    shutil.copy(SOLUTION, softmax_only / "module-0.2" / "softmax.py")

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.2", verify=True)
            await settle(app, pilot)
            await settle(app, pilot)  # the exercises are listed, then verified
            assert app.screen.query_one("#module-tabs").active == "tab-exercises"
            assert app.screen.exercises[0]["last"]["passed"] is True
            assert statuses("0.2")["0.2/activation-functions-relu-sigmoid-tanh"] == "done"

    asyncio.run(scenario())


def test_a_kernel_exercises_timings_or_why_there_are_none_show_in_the_log(make_app, softmax_only):
    from app.verify.attempts import Ticks
    from app.verify.kernel_timing import NO_CUDA
    from app.verify.report import ExerciseReport
    from app.verify.results import Timing

    measured = {
        "status": "measured",
        "ms": {"yours": 0.062, "reference": 0.063, "torch": 0.061},
        "speedup_vs_reference": 1.02,
        "speedup_vs_torch": 0.98,
        "gbps": 3051.0,
        "roofline_fraction": 0.91,
    }

    async def scenario():
        app = make_app()
        async with app.run_test(size=(120, 30)) as pilot:
            app.open_module("0.2")
            await settle(app, pilot)
            app.screen.query_one("#module-tabs").active = "tab-exercises"  # the log draws once it has a size
            await settle(app, pilot)
            panel = app.screen.query_one(ExercisePanel)
            reports = [
                ExerciseReport(
                    id=name, title="t", module_id="1.5", file="f.py", status="passed", timing=Timing.from_json(timing)
                )
                for name, timing in (
                    ("a", {"status": "no_cuda", "message": NO_CUDA}),
                    ("b", {"status": "no_cuda", "message": NO_CUDA}),
                    ("c", measured),
                )
            ]
            for report in reports:
                panel._on_done(report)
            panel._finished(reports, Ticks())
            await settle(app, pilot)
            log = "\n".join(str(line.text) for line in app.screen.query_one("#verify-log").lines)
            assert log.count(NO_CUDA) == 1  # once per run
            assert "0.062 ms, 1.02x the reference, 0.98x torch, 3051 GB/s, 91% of roofline" in log

    asyncio.run(scenario())


def test_at_80_columns_the_verify_log_fits_and_the_list_shows_many_exercises(make_app, softmax_only, monkeypatch):
    softmax = registry.exercises()[0]
    many = [softmax, *(type(softmax)(**{**softmax.__dict__, "id": f"softmax{n}"}) for n in range(1, 8))]
    monkeypatch.setattr(registry, "exercises", lambda: many)
    monkeypatch.setattr(registry, "listings", lambda: many)

    async def scenario():
        app = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            app.open_module("0.2")
            await settle(app, pilot)
            screen = app.screen
            assert len(screen.exercises) == 8
            await pilot.press("v")  # nothing started: the log says so, in lines as wide as the log
            await settle(app, pilot)
            log = screen.query_one("#verify-log")
            long_line = "x " * 60
            log.write(long_line)
            await settle(app, pilot)
            width = log.scrollable_content_region.width
            assert width > 0 and max(line.cell_length for line in log.lines) <= width
            listing = screen.query_one("#exercise-list")
            assert listing.outer_size.height - 2 >= 2 * 4  # 4 and more of the 8 at 24 rows, not 3

    asyncio.run(scenario())
