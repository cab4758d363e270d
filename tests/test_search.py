"""app/search.py: item search across the curriculum."""

from __future__ import annotations

from app.progress import set_status
from app.search import search_items
from app.study.store import open_store


def test_every_word_must_match_in_any_order(curriculum):
    engine = open_store()
    hits = search_items(engine, "multiplication MATRIX")
    assert [h.item_id for h in hits] == ["0.1/matmul"]
    assert hits[0].module_id == "0.1" and hits[0].module_title == "Linear Algebra" and hits[0].track_id == "alpha"


def test_text_matches_come_before_notes_and_id_matches(curriculum):
    engine = open_store()
    # "rows" is in 0.1/matmul's notes only; "cache" is in 2.1/kv-cache's text and id
    assert [h.item_id for h in search_items(engine, "rows")] == ["0.1/matmul"]
    assert [h.item_id for h in search_items(engine, "0.2/")] == ["0.2/layer", "0.2/linear"]


def test_hits_carry_the_effective_status(curriculum):
    engine = open_store()
    assert search_items(engine, "warps")[0].status == "todo"
    set_status(engine, ["beta-cuda/warps"], "done")
    assert search_items(engine, "warps")[0].status == "done"
    assert search_items(engine, "coalescing")[0].status == "done"  # initial status from the YAML


def test_empty_query_wildcards_and_limit(curriculum):
    engine = open_store()
    assert search_items(engine, "   ") == []
    assert search_items(engine, "%") == []  # LIKE wildcards are literal
    assert search_items(engine, "_") == []
    assert len(search_items(engine, "a", limit=2)) == 2
