"""`learn log search`: SQLite FTS5 over every field, ranked, with snippets; the index kept in sync."""

from __future__ import annotations

import json
import sqlite3


def _add(cli, *args: str) -> str:
    result = cli("log", "add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["id"]


def _ids(cli, query: str, *args: str) -> list[str]:
    return [r["id"] for r in cli.json("log", "search", query, *args)["results"]]


def test_ranked_best_first_with_a_highlighted_snippet(curriculum, cli):
    once = _add(
        cli,
        "--progress",
        "Read about serving: batching, scheduling, paged attention, speculative decoding, "
        "and quantization of the weights for smaller memory footprints in production",
    )
    focused = _add(cli, "--insight", "Quantization: int8 quantization halves memory; quantization error is small")
    unrelated = _add(cli, "--progress", "Backprop through a tiny MLP")
    assert _ids(cli, "quantization") == [focused, once]
    results = cli.json("log", "search", "quantization")["results"]
    assert results[0]["snippet"].startswith("**Quantization**: int8 **quantization** halves memory")
    assert "**quantization**" in results[1]["snippet"] and results[1]["snippet"].startswith("…")
    assert results[0]["rank"] < results[1]["rank"]
    assert set(_ids(cli, "quantization OR backprop")) == {once, focused, unrelated}
    out = cli("log", "search", "quantization").stdout.splitlines()
    assert out[0].startswith(focused[:8]) and out[1].strip().startswith("Quantization: int8 quantization halves")


def test_stems_phrases_prefixes_fields_and_modules(curriculum, cli):
    quantized = _add(cli, "--module", "2.1", "--challenge", "The quantized model drifts", "-m", "kv-cache pages")
    attention = _add(cli, "--module", "0.1", "--insight", "attention is a soft lookup", "--next", "quantizing next")
    assert set(_ids(cli, "quantize")) == {quantized, attention}  # porter stems: quantized, quantizing
    assert _ids(cli, '"soft lookup"') == [attention]
    assert _ids(cli, "look*") == [attention]
    assert _ids(cli, "challenge:quantize") == [quantized]
    assert _ids(cli, "inference stack") == [quantized]  # the module's title is searched too
    assert _ids(cli, "kv-cache") == [quantized]  # not FTS syntax: searched as plain words
    assert _ids(cli, 'module_id:"0.1"') == [attention]
    assert _ids(cli, "0.1") == [attention]
    assert "No entries or notes match 'nothing-like-this'." in cli("log", "search", "nothing-like-this").stdout


def test_bad_syntax_is_one_line_exit_2(curriculum, cli):
    _add(cli, "-m", "something")
    for query in ('"unbalanced quote', "nosuchfield:word", "  "):
        result = cli("log", "search", query)
        assert result.exit_code == 2, query
        assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert (
        "learn: bad search '\"unbalanced quote': unterminated string; use words"
        in cli("log", "search", '"unbalanced quote').stderr
    )
    assert "no such column: nosuchfield" in cli("log", "search", "nosuchfield:word").stderr


def test_the_index_follows_edits_and_deletes(curriculum, cli):
    entry = _add(cli, "--progress", "flash attention tiles")
    assert _ids(cli, "tiles") == [entry]
    cli("log", "edit", entry[:8], "--progress", "flash attention blocks")
    assert _ids(cli, "tiles") == [] and _ids(cli, "blocks") == [entry]
    cli("log", "rm", "--yes", entry[:8])
    assert _ids(cli, "blocks") == []
    assert _ids(cli, "blocks", "--limit", "1") == []


def test_an_index_made_late_is_filled_from_the_entries_already_there(curriculum, cli, learn_home):
    from app.db.engine import dispose_engines

    entry = _add(cli, "--progress", "roofline plots")
    dispose_engines()
    with sqlite3.connect(learn_home / "learn.db") as conn:  # a v1 database where the index was never made
        conn.execute("DROP TABLE log_entry_fts")
        for trigger in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS log_entry_fts_{trigger}")
        conn.execute("PRAGMA user_version = 1")  # the v1 -> v2 migration makes it
    assert _ids(cli, "roofline") == [entry]
    other = _add(cli, "--progress", "roofline again")
    assert set(_ids(cli, "roofline")) == {entry, other}


def test_limit(curriculum, cli):
    for n in range(3):
        _add(cli, "--progress", f"warp {n}")
    assert len(_ids(cli, "warp", "--limit", "2")) == 2
    assert cli("log", "search", "warp", "--limit", "0").exit_code == 2
