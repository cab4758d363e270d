"""Snapshot tests (pytest-textual-snapshot) at 80x24 and 120x40: `pytest --snapshot-update` after a
deliberate change, then look at the SVGs under __snapshots__/ before committing them.

The clock is frozen (conftest.FROZEN_AT), the polling timer is off and cursors do not blink.
"""

from __future__ import annotations

import itertools
import uuid

import pytest

from tests.tui.app_state import settle


@pytest.fixture(autouse=True)
def progress_written_at_the_frozen_time(monkeypatch):
    """Ticks are stored at the frozen clock's time, so "changed ... ago" reads the same on every run."""
    from tests.tui.conftest import FROZEN_AT

    monkeypatch.setattr("app.progress.utc_now", lambda: FROZEN_AT.isoformat().replace("+00:00", "Z"))


async def settled(pilot):
    await settle(pilot.app, pilot)


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, make_app, size):
    assert snap_compare(make_app(), run_before=settled, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_home_with_modules_unfolded_light(snap_compare, make_app, size):
    app = make_app()
    app.theme = "textual-light"
    assert snap_compare(
        app, run_before=settled, press=["down", "enter", "down", "down", "down", "enter"], terminal_size=size
    )


@pytest.mark.parametrize("size", SIZES)
def test_module_checklist(snap_compare, make_app, size):
    async def open_module(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_module("0.1")
        await pilot.pause()

    assert snap_compare(
        make_app(), run_before=open_module, press=["down", "down", "space", "down", "p"], terminal_size=size
    )


@pytest.mark.parametrize("size", SIZES)
def test_module_notes(snap_compare, make_app, size):
    async def open_module(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_module("0.1")
        await pilot.pause()

    assert snap_compare(make_app(), run_before=open_module, press=["n"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_search(snap_compare, make_app, size):
    assert snap_compare(make_app(), run_before=settled, press=["slash", *"cache"], terminal_size=size)


@pytest.fixture
def stable_content(monkeypatch):
    """Exercises and log dates that do not move: the registry holds softmax alone (others come and
    go), and log entries are written on a fixed day and second."""
    from app.verify import registry

    softmax = next(e for e in registry.exercises() if e.id == "softmax")
    monkeypatch.setattr(registry, "exercises", lambda: [softmax])
    monkeypatch.setattr(registry, "listings", lambda: [softmax])  # what the TUI lists from
    monkeypatch.setattr("app.journal.compose.today", lambda: "2025-03-14")
    monkeypatch.setattr("app.journal.store.utc_now", lambda: "2025-03-14T09:00:00Z")
    ids = itertools.count(1)
    monkeypatch.setattr("app.journal.store.uuid.uuid4", lambda: uuid.UUID(int=next(ids) << 96))


@pytest.mark.parametrize("size", SIZES)
def test_drill_flashcard_revealed(snap_compare, make_app, size):
    async def drill(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("d")
        await settle(pilot.app, pilot)
        pilot.app.clock.advance(7)

    assert snap_compare(make_app(), run_before=drill, press=["space"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_drill_code_card(snap_compare, make_app, size, monkeypatch):
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    monkeypatch.setattr(DrillSession, "warm_up_code", lambda self: None)

    async def drill(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_drill(QueueQuery(deck="code"), "Drill code")
        await settle(pilot.app, pilot)

    assert snap_compare(make_app(), run_before=drill, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_module_exercises(snap_compare, make_app, size, stable_content):
    async def open_module(pilot):
        await settle(pilot.app, pilot)
        pilot.app.open_module("0.2")
        await settle(pilot.app, pilot)

    assert snap_compare(make_app(), run_before=open_module, press=["e"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_log_list(snap_compare, make_app, cli, size, stable_content):
    cli("log", "add", "--module", "0.1", "--progress", "Vectors and norms done", "--insight", "a norm is a length")
    cli("log", "add", "--module", "0.2", "--progress", "Layer class", "--challenge", "shapes in backward")
    assert snap_compare(make_app(), run_before=settled, press=["l"], terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_log_new_entry(snap_compare, make_app, cli, size, stable_content):
    cli("check", "0.1/pca")
    assert snap_compare(make_app(), run_before=settled, press=["l", "n", *"PCA by hand"], terminal_size=size)
