"""`learn today`: the module in progress and its next items, cards due, failing exercises, streak."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def decks(tmp_path, curriculum, monkeypatch):
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


def _attempt(exercise_id: str, passed: bool, started_at: str, details: dict) -> None:
    from sqlalchemy import text

    from app.db.engine import write_connection
    from app.study.store import open_store

    with write_connection(open_store()) as conn:
        conn.execute(
            text(
                "INSERT INTO verify_attempt (id, exercise_id, module_id, passed, checks_passed, checks_total, details, "
                "duration_ms, started_at) VALUES (:id, :e, '0.1', :p, :cp, 4, :d, 10, :t)"
            ),
            {
                "id": f"{exercise_id}-{started_at}",
                "e": exercise_id,
                "p": passed,
                "cp": 4 if passed else 1,
                "d": json.dumps(details),
                "t": started_at,
            },
        )


def test_today_json_names_the_next_items_cards_and_failures(decks, cli):
    fresh = cli.json("today")
    assert fresh["module"] is None and fresh["next_items"] == [] and fresh["verify_failures"] == []
    assert fresh["drill"]["new"] == 6 and fresh["drill"]["due"] == 0 and fresh["streak_days"] == 0

    cli("check", "0.1/matmul")
    _attempt("softmax", False, "2025-03-13T09:00:00Z", {"hints": ["subtract the row max before exp"]})
    _attempt("softmax", True, "2025-03-14T09:00:00Z", {"hints": []})  # fixed since: not failing
    _attempt("pca", False, "2025-03-14T10:00:00Z", {"hints": [], "error": "timed out after 10 s in fit/large"})
    data = cli.json("today", "--items", "2")
    assert data["module"] == {"id": "0.1", "title": "Linear Algebra", "items_done": 2, "items_total": 4}
    # the heading 0.1/linear-algebra has sub-items: they are what gets ticked, so it is not listed
    assert [item["id"] for item in data["next_items"]] == ["0.1/pca"]
    assert [(f["exercise_id"], f["hint"]) for f in data["verify_failures"]] == [
        ("pca", "timed out after 10 s in fit/large")
    ]
    result = cli("today")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Continue  Module 0.1: Linear Algebra  2 / 4 done" in text
    assert "0.1/pca" in text and "0.1/matmul" not in text
    assert "Drills  0 due · 6 new left today · streak 0 days" in text
    assert "✘ pca 1/4" in text and "timed out after 10 s in fit/large" in text


def test_today_with_nothing_started_says_where_to_begin(curriculum, cli):
    result = cli("today")
    assert result.exit_code == 0, result.output
    assert "nothing started yet" in result.stdout
