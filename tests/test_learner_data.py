"""`learn data export` / `import`: the learner's data moves between machines, merged by stable ids."""

from __future__ import annotations

import json

import pytest


def _statuses(cli) -> dict[str, str]:
    out = {}
    for module in ("0.1", "0.2", "2.1", "beta-cuda"):
        stack = [i for s in cli.json("show", module)["sections"] for i in s["items"]]
        while stack:
            item = stack.pop()
            out[item["id"]] = item["status"]
            stack.extend(item["children"])
    return out


def test_export_then_import_on_a_fresh_machine(curriculum, cli, tmp_path, monkeypatch):
    cli("check", "0.1/pca", "2.1/kv-cache")
    cli("doing", "0.2/linear")
    cli("uncheck", "beta-cuda/coalescing")
    mine = _statuses(cli)
    export = tmp_path / "backup.json"
    assert cli("data", "export", str(export)).exit_code == 0
    data = json.loads(export.read_text())
    assert data["format"] == "learn-data" and data["version"] == 1
    assert {r["item_id"]: r["status"] for r in data["progress"]} == {
        "0.1/pca": "done",
        "2.1/kv-cache": "done",
        "0.2/linear": "in_progress",
        "beta-cuda/coalescing": "todo",
    }

    monkeypatch.setenv("LEARN_HOME", str(tmp_path / "new-machine"))
    assert _statuses(cli) != mine
    assert cli.json("data", "import", str(export))["progress"] == {"added": 4, "updated": 0, "unchanged": 0}
    assert _statuses(cli) == mine
    # Idempotent: the second import changes nothing.
    assert cli.json("data", "import", str(export))["progress"] == {"added": 0, "updated": 0, "unchanged": 4}
    assert _statuses(cli) == mine


def test_import_merges_newer_wins(curriculum, cli, tmp_path):
    cli("check", "0.1/pca")
    record = {"item_id": "0.1/pca", "status": "todo", "completed_at": None}
    older = {
        "format": "learn-data",
        "version": 1,
        "exported_at": "2020-01-01T00:00:00Z",
        "progress": [
            record | {"updated_at": "2020-01-01T00:00:00Z"},
            {"item_id": "gone/item", "status": "done", "updated_at": "2020-01-01T00:00:00+00:00"},
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(older))
    assert cli.json("data", "import", str(path))["progress"] == {"added": 1, "updated": 0, "unchanged": 1}
    assert _statuses(cli)["0.1/pca"] == "done"  # the local change is newer
    newer = older | {"progress": [record | {"updated_at": _soon()}]}
    path.write_text(json.dumps(newer))
    assert cli.json("data", "import", str(path))["progress"] == {"added": 0, "updated": 1, "unchanged": 0}
    assert _statuses(cli)["0.1/pca"] == "todo"
    # An item that is not in the curriculum is kept (hidden) and exported again.
    out = tmp_path / "again.json"
    cli("data", "export", str(out))
    assert "gone/item" in {r["item_id"] for r in json.loads(out.read_text())["progress"]}


BAD_FILES = {
    "not json": ("{oops", "bad.json:1:2: invalid JSON"),
    "wrong format": (
        '{"format": "anki", "version": 1, "exported_at": "x"}',
        "bad.json: format is 'anki'; it must be 'learn-data'; expected a `learn data export` file",
    ),
    "not an export at all": (
        '{"format": "anki"}',
        "bad.json: format is 'anki'; it must be 'learn-data' (2 more problems)",
    ),
    "a list": ("[1, 2]", "bad.json: the file holds a list, not a `learn data export` object"),
    "bad status": (
        '{"format": "learn-data", "version": 1, "exported_at": "x", "progress": '
        '[{"item_id": "a", "status": "finished", "updated_at": "2020-01-01T00:00:00Z"}]}',
        "bad.json: progress record 1 (item_id 'a'): status is 'finished'; it must be 'todo', 'in_progress' or 'done'; nothing was imported",
    ),
    "missing field": (
        '{"format": "learn-data", "version": 1, "exported_at": "x", "progress": [{"item_id": "a", "status": "done"}]}',
        "bad.json: progress record 1 (item_id 'a'): field 'updated_at' is missing",
    ),
    "bad time": (
        '{"format": "learn-data", "version": 1, "exported_at": "x", "progress": '
        '[{"item_id": "a", "status": "done", "updated_at": "yesterday"}]}',
        "bad.json: progress record 1 (item_id 'a'): updated_at is 'yesterday', not a time like",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_import_file_is_one_line_and_changes_nothing(case, curriculum, cli, tmp_path, learn_home):
    from tests.conftest import db_snapshot

    cli("check", "0.1/pca")
    before = db_snapshot(learn_home)
    content, expected = BAD_FILES[case]
    (tmp_path / "bad.json").write_text(content)
    result = cli("data", "import", str(tmp_path / "bad.json"))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(learn_home) == before


def test_missing_import_file(curriculum, cli, tmp_path):
    result = cli("data", "import", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "cannot read" in result.stderr


def _soon() -> str:
    """A time just ahead of this machine's (within the clock skew an import allows): newer than any row here."""
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
