"""The TUI under test: the fixture curriculum, a frozen clock, no polling timer, no cursor blink."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"

FROZEN_AT = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def decks(tmp_path, curriculum, monkeypatch):
    """The fixture decks (cards linked to the fixture curriculum), as LEARN_DRILLS."""
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


@pytest.fixture
def make_app(curriculum, decks):
    """`make_app()` -> a LearnApp on the test database (synced as `learn` would), ready for run_test."""
    from app.study.store import open_store
    from app.tui.app import LearnApp
    from app.tui.clock import FrozenClock

    def make(**kwargs):
        kwargs.setdefault("clock", FrozenClock(FROZEN_AT))
        kwargs.setdefault("poll_seconds", None)  # tests call app.poll_database() when they mean it
        kwargs.setdefault("cursor_blink", False)
        return LearnApp(open_store(), **kwargs)

    return make
