"""Sync: idempotent, cheap when nothing changed, and the learner's progress survives any YAML edit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.curriculum.sync import sync_curriculum
from app.db.engine import get_engine
from tests.conftest import db_snapshot


def _status(cli, item_id: str) -> str | None:
    module = item_id.split("/")[0]
    result = cli("show", module, "--json")
    if result.exit_code:
        return None
    import json

    stack = [i for s in json.loads(result.stdout)["sections"] for i in s["items"]]
    while stack:
        item = stack.pop()
        if item["id"] == item_id:
            return item["status"]
        stack.extend(item["children"])
    return None


def _counts(cli) -> tuple[int, int]:
    tracks = cli.json("status")["tracks"]
    return sum(t["items_total"] for t in tracks), sum(t["items_done"] for t in tracks)


def test_sync_is_idempotent_and_a_noop_when_nothing_changed(curriculum, learn_home):
    engine = get_engine()
    first = sync_curriculum(engine)
    assert first.changed and (first.tracks, first.modules, first.items) == (2, 4, 9)
    snapshot = db_snapshot(learn_home)
    assert not sync_curriculum(engine).changed  # signature unchanged: nothing read
    forced = sync_curriculum(engine, force=True)
    assert not forced.changed and forced.items == 9  # read again, found the same rows
    assert db_snapshot(learn_home) == snapshot
    (curriculum / "alpha.yaml").touch()  # a new mtime, the same text: nothing changed
    assert not sync_curriculum(engine).changed
    beta = curriculum / "beta.yaml"
    beta.write_text(beta.read_text().replace("text: Warps and divergence", "text: Warps"))
    assert sync_curriculum(engine, force=True).changed


def test_commands_resync_when_the_yaml_changes(curriculum, cli):
    assert _counts(cli) == (9, 2)
    path = curriculum / "beta.yaml"
    path.write_text(
        path.read_text() + "              - id: beta-cuda/tensor-cores\n                text: Tensor cores\n"
    )
    assert _counts(cli) == (10, 2)


def test_progress_survives_text_edit_reorder_and_move(curriculum, cli):
    cli("check", "0.1/matmul", "0.2/linear")
    alpha = curriculum / "alpha.yaml"
    text = alpha.read_text()
    # Edit the text of a checked item.
    text = text.replace("text: Matrix multiplication", "text: Matrix multiplication (GEMM), by hand")
    # Reorder: put Step 2 before Step 1.
    step1 = (
        "              - id: 0.2/layer\n"
        '                text: "**Step 1:** Create a base Layer class"\n'
        "                status: in_progress\n"
    )
    assert step1 in text
    text = text.replace(step1, "").replace(
        '                text: "**Step 2:** Implement LinearLayer"\n',
        '                text: "**Step 2:** Implement LinearLayer"\n' + step1,
    )
    alpha.write_text(text)
    # Move: 0.1/matmul goes to the beta track's module.
    moved = (
        "                  - id: 0.1/matmul\n"
        "                    text: Matrix multiplication (GEMM), by hand\n"
        "                    notes: rows times columns\n"
    )
    assert moved in text
    alpha.write_text(text.replace(moved, ""))
    beta = curriculum / "beta.yaml"
    beta.write_text(
        beta.read_text()
        + "              - id: 0.1/matmul\n                text: Matrix multiplication (GEMM), by hand\n"
    )

    assert _status(cli, "0.1/matmul") is None  # no longer in module 0.1 ...
    view = cli.json("show", "beta-cuda")
    assert [(i["id"], i["status"]) for i in view["sections"][0]["items"]][-1] == ("0.1/matmul", "done")
    assert _status(cli, "0.2/linear") == "done"
    steps = cli.json("show", "0.2")["sections"][0]["items"]
    assert [i["id"] for i in steps] == ["0.2/linear", "0.2/layer"]


def test_removed_item_keeps_hidden_progress_and_gets_it_back(curriculum, cli):
    cli("check", "2.1/kv-cache")
    assert _counts(cli) == (9, 3)
    alpha = curriculum / "alpha.yaml"
    original = alpha.read_text()
    alpha.write_text(
        original.replace("              - id: 2.1/kv-cache\n                text: KV cache management\n", "")
    )
    assert _counts(cli) == (8, 2)  # hidden: neither counted nor shown
    sync = cli.json("sync")
    assert sync["hidden_progress"] == 1
    alpha.write_text(original)
    assert _counts(cli) == (9, 3)
    assert _status(cli, "2.1/kv-cache") == "done"


BAD_CASES = {
    "syntax error": (
        "alpha.yaml",
        lambda t: t.replace("title: Alpha Track", "title: [Alpha Track"),
        r"alpha\.yaml:4: YAML syntax error, column 12: did not find expected ',' or '\]' \(while parsing a flow sequence at line 3\)",
    ),
    "unknown field": (
        "alpha.yaml",
        lambda t: t.replace("summary: Vectors", "sumary: Vectors"),
        r"alpha\.yaml:15: module '0\.1': unknown field 'sumary'",
    ),
    "missing id": (
        "beta.yaml",
        lambda t: t.replace("- id: beta-cuda/warps\n               ", "-"),
        r"beta\.yaml:12: item #1: missing field 'id'",
    ),
    "wrong type": (
        "beta.yaml",
        lambda t: t.replace("text: Warps and divergence", "text: [1, 2]"),
        r"beta\.yaml:13: item 'beta-cuda/warps': text: Input should be a valid string",
    ),
    "bad status": (
        "beta.yaml",
        lambda t: t.replace("status: done", "status: finished"),
        r"beta\.yaml:16: item 'beta-cuda/coalescing': status: Input should be 'todo', 'in_progress' or 'done'",
    ),
    "duplicate id across files": (
        "beta.yaml",
        lambda t: t.replace("id: beta-cuda/warps", "id: 0.1/pca"),
        r"beta\.yaml:12: duplicate item id '0\.1/pca' \(first at .*alpha\.yaml:34\)",
    ),
    "duplicate key": (
        "beta.yaml",
        lambda t: t.replace("title: Beta Track", "title: Beta Track\ntitle: Again"),
        r"beta\.yaml:3: duplicate key 'title' \(first at line 2\)",
    ),
    "not a mapping": ("beta.yaml", lambda t: "- just\n- a list\n", r"beta\.yaml:1: a track file must be a mapping"),
    "empty file": ("beta.yaml", lambda t: "", r"beta\.yaml: the file is empty"),
    "bad id": (
        "beta.yaml",
        lambda t: t.replace("id: beta-cuda/warps", "id: beta cuda warps"),
        r"beta\.yaml:12: item 'beta cuda warps': id: id 'beta cuda warps' may hold only",
    ),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_yaml_is_one_located_error_per_problem_and_changes_nothing(case, curriculum, cli, learn_home):
    cli("check", "0.1/pca")
    before = db_snapshot(learn_home)
    name, edit, expected = BAD_CASES[case]
    path: Path = curriculum / name
    path.write_text(edit(path.read_text()))
    result = cli("sync")
    assert result.exit_code == 2
    assert "the database is unchanged" in result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert db_snapshot(learn_home) == before


def test_every_problem_is_reported_at_once(curriculum, cli):
    beta = curriculum / "beta.yaml"
    beta.write_text(beta.read_text().replace("status: done", "status: finished").replace("text: Warps", "txt: Warps"))
    (curriculum / "gamma.yaml").write_text("id: gamma\ntitle: [oops\n")
    result = cli("sync")
    assert result.exit_code == 2
    assert "curriculum has 4 problems" in result.stderr
    problem_lines = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    assert len(problem_lines) == 4


def test_not_utf8_is_reported(curriculum, cli):
    (curriculum / "beta.yaml").write_bytes("id: beta\ntitle: caf\xe9\n".encode("latin-1"))
    result = cli("sync")
    assert result.exit_code == 2
    assert re.search(r"beta\.yaml:2: not UTF-8 text", result.stderr)


def test_missing_curriculum_folder(tmp_path, monkeypatch, cli):
    monkeypatch.setenv("LEARN_CURRICULUM", str(tmp_path / "nowhere"))
    result = cli("sync")
    assert result.exit_code == 2
    assert "no such curriculum folder; check LEARN_CURRICULUM" in result.stderr


def test_sync_json_says_changed_only_when_the_curriculum_did(curriculum, cli):
    assert cli.json("sync")["changed"] is True  # the first sync fills the tables
    assert cli.json("sync")["changed"] is False
    alpha = curriculum / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("text: Matrix multiplication", "text: GEMM"))
    assert cli.json("sync")["changed"] is True
    assert cli.json("sync")["changed"] is False
