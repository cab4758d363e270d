"""app/today.py: what the dashboard shows beside the tracks."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.study.store import open_store
from app.today import recent_attempts, today_summary

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def decks(tmp_path, curriculum, monkeypatch):
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


def _attempt(engine, exercise_id: str, passed: bool, started_at: str) -> None:
    from sqlalchemy import text

    from app.db.engine import write_connection

    with write_connection(engine) as conn:
        conn.execute(
            text(
                "INSERT INTO verify_attempt (id, exercise_id, module_id, passed, checks_passed, checks_total, details, "
                "duration_ms, started_at) VALUES (:id, :e, '0.2', :p, :cp, 4, '{}', 10, :t)"
            ),
            {
                "id": f"{exercise_id}-{started_at}",
                "e": exercise_id,
                "p": passed,
                "cp": 4 if passed else 1,
                "t": started_at,
            },
        )


def test_a_fresh_learner_has_new_cards_and_nothing_else(decks):
    today = today_summary(open_store(), NOW)
    assert today.drill is not None and today.drill_error is None
    assert (today.drill.due, today.drill.streak_days, today.drill.cards) == (0, 0, 6)
    assert today.drill.new == 6  # every card is new; fewer than the 10 new cards a day
    assert today.attempts == [] and today.entries == [] and today.current_module is None


def test_reviews_make_cards_due_and_a_streak(decks):
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    engine = open_store()
    today_summary(engine, NOW)  # syncs the decks
    for day, rating in ((2, 3), (1, 1)):  # Good two days ago, Again yesterday: due again since
        when = NOW - timedelta(days=day)
        session = DrillSession.open(engine, QueueQuery(deck="basics", limit=1, cram=True, new=1), when)
        session.grade(rating, when)
    today = today_summary(engine, NOW)
    assert today.drill.streak_days == 2
    assert today.drill.due == 1


def test_a_broken_deck_is_an_error_beside_the_rest(decks, cli):
    (decks / "broken.yaml").write_text("id: broken\ncards: [\n")
    cli("check", "0.2/layer")
    today = today_summary(open_store(), NOW)
    assert today.drill is None and "broken.yaml" in today.drill_error
    assert today.current_module == ("0.2", "Backprop")


def test_recent_attempts_newest_first_and_latest_entries(decks, cli):
    engine = open_store()
    _attempt(engine, "softmax", False, "2025-03-13T10:00:00Z")
    _attempt(engine, "softmax", True, "2025-03-14T08:00:00Z")
    _attempt(engine, "layernorm", False, "2025-03-12T10:00:00Z")
    assert [(a.exercise_id, a.passed) for a in recent_attempts(engine, 2)] == [("softmax", True), ("softmax", False)]
    for n in range(4):
        assert cli("log", "add", "--module", "0.1", "--progress", f"entry {n}").exit_code == 0
    today = today_summary(engine, NOW)
    assert [e.progress for e in today.entries] == ["entry 3", "entry 2", "entry 1"]
    assert len(today.attempts) == 3
