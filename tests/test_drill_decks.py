"""Decks: validation errors with file:line, and the sync into SQLite (only on change, reviews kept)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, db_snapshot

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def decks(tmp_path: Path, curriculum: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "drills"
    shutil.copytree(FIXTURES / "drills", folder)
    monkeypatch.setenv("LEARN_DRILLS", str(folder))
    return folder


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return hits[occurrence - 1]


def _errors(cli, *args: str) -> list[str]:
    result = cli("drill", "list", *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("learn: drill decks have") and "the database is unchanged" in lines[0]
    return [line.strip() for line in lines[1:]]


def test_fixture_decks_sync_and_list(decks, cli, learn_home):
    cards = cli.json("drill", "list")["cards"]
    assert [c["id"] for c in cards][:2] == ["basics/what-is-a-vector", "basics/matmul-shape"]
    assert {c["deck"] for c in cards} == {"basics", "code"}
    with sqlite3.connect(learn_home / "learn.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM drill_card").fetchone() == (6,)
        assert conn.execute("SELECT id, title, file FROM drill_deck ORDER BY position").fetchall() == [
            ("basics", "Basics", "basics.yaml"),
            ("code", "Code Cards", "code.yaml"),
        ]
        code = conn.execute("SELECT code_json FROM drill_card WHERE id = 'code/causal-mask'").fetchone()[0]
    assert code == '{"check": "causal_mask", "function": "causal_mask"}'  # the check's default name


def test_unknown_field(decks, cli, learn_home):
    path = decks / "basics.yaml"
    path.write_text(
        path.read_text().replace(
            "    prompt: What does PCA find?\n", "    prompt: What does PCA find?\n    hint: eigen\n"
        )
    )
    assert _errors(cli) == [f"{path}:{_line_of(path, 'hint: eigen')}: card 'basics/pca': unknown field 'hint'"]


def test_duplicate_card_id_across_decks(decks, cli):
    path = decks / "code.yaml"
    path.write_text(path.read_text().replace("id: code/causal-mask", "id: basics/pca"))
    first = _line_of(decks / "basics.yaml", "id: basics/pca")
    assert _errors(cli) == [
        f"{path}:{_line_of(path, 'id: basics/pca')}: duplicate card id 'basics/pca' (first at {decks / 'basics.yaml'}:{first})"
    ]


def test_unknown_item_id_with_suggestion(decks, cli):
    path = decks / "basics.yaml"
    path.write_text(path.read_text().replace("items: [0.1/matmul]", "items:\n      - 0.1/vectors\n      - 0.1/matmull"))
    assert _errors(cli) == [
        f"{path}:{_line_of(path, '- 0.1/matmull')}: card 'basics/matmul-shape': unknown curriculum item '0.1/matmull'; "
        "did you mean 0.1/matmul?"
    ]


def test_unknown_check_name(decks, cli):
    path = decks / "code.yaml"
    path.write_text(path.read_text().replace("check: softmax_last_dim", "check: softmax_lastdim"))
    assert _errors(cli) == [
        f"{path}:{_line_of(path, 'check: softmax_lastdim')}: card 'code/stable-softmax': check: unknown check "
        "'softmax_lastdim'; did you mean softmax_last_dim?"
    ]


def test_every_problem_at_once_and_database_unchanged(decks, cli, learn_home):
    cli("drill", "list")
    before = db_snapshot(learn_home)
    (decks / "basics.yaml").write_text((decks / "basics.yaml").read_text().replace("    prompt: Why a KV cache?\n", ""))
    (decks / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n")
    (decks / "dup.yaml").write_text(
        "id: basics\ntitle: Again\ncards:\n  - id: dup/x\n    prompt: p\n    answer: a\n    items: [0.1/pca]\n"
    )
    (decks / "empty.yaml").write_text(
        "id: empty\ntitle: Empty\ncards:\n  - id: empty/x\n    prompt: p\n    answer: a\n    items: []\n"
    )
    errors = _errors(cli)
    assert any(
        e.startswith(f"{decks / 'basics.yaml'}:") and "card 'basics/kv-cache': missing field 'prompt'" in e
        for e in errors
    )
    assert any(e.startswith(f"{decks / 'broken.yaml'}:3: YAML syntax error") for e in errors)
    assert f"{decks / 'dup.yaml'}:1: duplicate deck id 'basics' (first at {decks / 'basics.yaml'}:" in "\n".join(errors)
    assert f"{decks / 'empty.yaml'}:7: card 'empty/x': items: List should have at least 1 item" in "\n".join(errors)
    assert len(errors) == 4
    assert db_snapshot(learn_home) == before


def test_sync_only_when_decks_or_curriculum_change(decks, curriculum, learn_home):
    from app.curriculum.sync import sync_curriculum
    from app.db.engine import get_engine
    from app.drill.load import DeckError
    from app.drill.sync import sync_decks

    engine = get_engine()
    sync_curriculum(engine)
    assert sync_decks(engine).changed
    assert not sync_decks(engine).changed
    (decks / "basics.yaml").write_text((decks / "basics.yaml").read_text().replace("What is a vector?", "Vector?"))
    result = sync_decks(engine)
    assert (result.changed, result.decks, result.cards) == (True, 2, 6)
    # a curriculum edit that removes an item a card drills is caught at the next sync
    track = curriculum / "alpha.yaml"
    track.write_text(track.read_text().replace("id: 2.1/kv-cache", "id: 2.1/kv-caching"))
    sync_curriculum(engine)
    with pytest.raises(DeckError) as failed:
        sync_decks(engine)
    assert "unknown curriculum item '2.1/kv-cache'; did you mean 2.1/kv-caching?" in failed.value.details[0]


def test_editing_text_keeps_reviews_and_removed_cards_keep_theirs(decks, cli, learn_home):
    from datetime import UTC, datetime

    from app.db.engine import get_engine
    from app.drill.queue import QueueQuery
    from app.drill.session import DrillSession

    cli("drill", "list")
    now = datetime(2026, 3, 1, 9, tzinfo=UTC)
    session = DrillSession.open(get_engine(), QueueQuery(deck="basics", new=4), now)
    for _ in range(2):
        session.grade(4, now)
    path = decks / "basics.yaml"
    path.write_text(
        path.read_text()
        .replace("What is a vector?", "Define a vector.")
        .replace("  - id: basics/matmul-shape", "  - id: basics/matmul-shape-renamed")
    )
    cards = {c["id"]: c for c in cli.json("drill", "list")["cards"]}
    assert cards["basics/what-is-a-vector"]["prompt"] == "Define a vector."
    assert cards["basics/what-is-a-vector"]["reviews"] == 1 and cards["basics/what-is-a-vector"]["state"] == "review"
    assert cards["basics/matmul-shape-renamed"]["state"] == "new"
    with sqlite3.connect(learn_home / "learn.db") as conn:  # the old card's review is kept, hidden
        assert conn.execute("SELECT COUNT(*) FROM drill_review WHERE card_id = 'basics/matmul-shape'").fetchone() == (
            1,
        )


def test_missing_folder_means_no_decks(tmp_path, curriculum, cli, monkeypatch):
    monkeypatch.setenv("LEARN_DRILLS", str(tmp_path / "nowhere"))
    assert cli.json("drill", "list") == {"cards": []}
    result = cli("drill")
    assert result.exit_code == 0 and "Nothing to review now." in result.stdout


# -- the real decks in drills/ ---------------------------------------------------------------------------


def _real_decks():
    from app.curriculum.load import load_curriculum, walk_items
    from app.drill.load import load_decks

    items = {
        item.id
        for tf in load_curriculum(REPO / "curriculum")
        for c in tf.track.categories
        for m in c.modules
        for s in m.sections
        for item, _, _ in walk_items(s.items)
    }
    return load_decks(REPO / "drills", items), items


@pytest.mark.skipif(not list((REPO / "drills").glob("*.yaml")), reason="no decks in drills/ yet")
def test_every_deck_in_drills_loads_and_links_to_existing_items():
    deck_files, items = _real_decks()  # raises DeckError (file:line) on any problem, unknown items included
    cards = [card for df in deck_files for card in df.deck.cards]
    assert all(card.answer.strip() for card in cards)
    assert all(set(card.items) <= items for card in cards)
