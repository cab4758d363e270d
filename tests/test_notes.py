"""The learner's own notes: `learn note`, shown by `learn show`, found by `learn log search`, part of
`learn data export/import`, kept across curriculum edits (issue 17)."""

from __future__ import annotations

import json
import sqlite3
import sys

from tests.conftest import db_snapshot


def notes(home) -> list[tuple]:
    with sqlite3.connect(home / "learn.db") as conn:
        return conn.execute("SELECT target_id, kind, text FROM note ORDER BY target_id").fetchall()


def test_note_with_m_writes_replaces_and_shows(curriculum, cli, learn_home):
    result = cli("note", "0.1/pc", "-m", "Center the data first.")  # a prefix of 0.1/pca
    assert result.exit_code == 0, result.output
    assert "Saved your note on item 0.1/pca" in result.stdout
    result = cli("note", "module-0.1", "-m", "# Plan\nChapter 2, then the exercises.")
    assert result.exit_code == 0, result.output
    cli("note", "0.1/pca", "-m", "Center the data; eigenvector signs are arbitrary.")  # replaces
    assert notes(learn_home) == [
        ("0.1", "module", "# Plan\nChapter 2, then the exercises."),
        ("0.1/pca", "item", "Center the data; eigenvector signs are arbitrary."),
    ]
    shown = cli("show", "0.1").stdout
    assert "✎ your note" in shown and "Chapter 2, then the exercises." in shown
    assert "✎ Center the data; eigenvector signs are arbitrary." in shown
    data = cli.json("show", "0.1")["learner_notes"]
    assert data["module"]["text"] == "# Plan\nChapter 2, then the exercises."
    assert [(n["target_id"], n["text"]) for n in data["items"]] == [
        ("0.1/pca", "Center the data; eigenvector signs are arbitrary.")
    ]
    read = cli.json("note", "0.1/pca")  # --json without -m reads, edits nothing
    assert read["target"]["kind"] == "item" and read["note"]["text"].startswith("Center the data;")


def test_empty_text_deletes_only_with_yes_here(curriculum, cli, learn_home):
    cli("note", "0.1/pca", "-m", "keep me")
    before = db_snapshot(learn_home)
    result = cli("note", "0.1/pca", "-m", "")  # no terminal to ask in
    assert result.exit_code == 2 and "needs --yes" in result.stderr
    assert db_snapshot(learn_home) == before
    result = cli("note", "0.1/pca", "--delete", "--yes", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["deleted"] is True
    assert notes(learn_home) == []


def test_bad_targets_are_one_line_errors_and_change_nothing(curriculum, cli, learn_home):
    cli("status")
    before = db_snapshot(learn_home)
    for args, error in [
        (("note", "0.1/zzz", "-m", "x"), "learn: no module or item '0.1/zzz'"),
        (
            ("note", "beta-cuda/", "-m", "x"),
            "learn: 'beta-cuda/' matches 2 items: beta-cuda/warps, beta-cuda/coalescing",
        ),
        (("note", "module-9", "-m", "x"), "learn: no module 'module-9'"),
    ]:
        result = cli(*args)
        assert result.exit_code == 2 and result.stderr.startswith(error), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert db_snapshot(learn_home) == before


def test_note_in_the_editor_starts_from_the_note_there_is(curriculum, cli, learn_home, tmp_path, monkeypatch):
    editor = tmp_path / "editor.py"  # appends a line, as a learner would
    editor.write_text("import sys\nopen(sys.argv[1], 'a').write('## Later\\nread chapter 3\\n')\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    cli("note", "0.1/matmul", "-m", "rows times columns")
    result = cli("note", "0.1/matmul")
    assert result.exit_code == 0, result.output
    assert notes(learn_home) == [("0.1/matmul", "item", "rows times columns\n## Later\nread chapter 3")]


def test_notes_are_found_by_log_search_and_survive_a_curriculum_edit(curriculum, cli, learn_home):
    cli("note", "beta-cuda/warps", "-m", "Divergence serializes the branches of a warp.")
    result = cli("log", "search", "serialize")
    assert result.exit_code == 0, result.output
    assert "note beta-cuda/warps  (item)" in result.stdout
    data = cli.json("log", "search", "divergence")
    assert data["results"] == [] and [n["target_id"] for n in data["notes"]] == ["beta-cuda/warps"]
    # the item leaves the YAML: its note stays (not shown), and shows again when the item returns
    beta = curriculum / "beta.yaml"
    original = beta.read_text()
    beta.write_text(
        original.replace("              - id: beta-cuda/warps\n                text: Warps and divergence\n", "")
    )
    assert cli.json("show", "beta-cuda")["learner_notes"]["items"] == []
    beta.write_text(original)
    assert [n["target_id"] for n in cli.json("show", "beta-cuda")["learner_notes"]["items"]] == ["beta-cuda/warps"]


def test_notes_in_data_export_and_import_merge_by_id(curriculum, cli, learn_home, tmp_path, monkeypatch):
    cli("note", "0.1/pca", "-m", "first")
    exported = tmp_path / "data.json"
    assert cli("data", "export", str(exported)).exit_code == 0
    data = json.loads(exported.read_text())
    assert [(n["target_id"], n["kind"], n["text"]) for n in data["notes"]] == [("0.1/pca", "item", "first")]
    # another machine: an older note on the same item, and a note of its own
    data["notes"][0] |= {"text": "older", "updated_at": "2020-01-01T00:00:00Z"}
    data["notes"].append(
        {
            "target_id": "0.2",
            "kind": "module",
            "text": "from the laptop",
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
        }
    )
    exported.write_text(json.dumps(data))
    assert cli("data", "import", str(exported)).exit_code == 0
    assert cli("data", "import", str(exported)).exit_code == 0  # twice: nothing more changes
    assert notes(learn_home) == [("0.1/pca", "item", "first"), ("0.2", "module", "from the laptop")]


def test_export_readme_includes_notes_only_when_asked(curriculum, cli):
    cli("note", "0.1", "-m", "Chapter 2 first.")
    cli("note", "0.1/matmul", "-m", "rows times columns\nthen blocks")
    plain = cli("export", "readme").stdout
    assert "Chapter 2 first." not in plain
    with_notes = cli("export", "readme", "--notes").stdout
    assert (
        "### Module 0.1: Linear Algebra\n\n**Vectors and matrices, from scratch**\n\n> Chapter 2 first.\n" in with_notes
    )
    assert "  - [ ] Matrix multiplication\n    > rows times columns\n    > then blocks\n" in with_notes
