"""`learn log add/list/show/edit/rm` without an editor, bad input, and entries outliving the curriculum."""

from __future__ import annotations

import json

import pytest

from tests.conftest import db_snapshot


def _add(cli, *args: str) -> dict:
    result = cli("log", "add", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_from_flags_with_the_json_shape(curriculum, cli):
    from app.journal.entry import today

    entry = _add(
        cli,
        "--module",
        "module-2.1",
        "--progress",
        "paged KV cache",
        "--insight",
        "blocks like pages",
        "--challenge",
        "fragmentation",
        "--next",
        "read the vLLM paper",
        "-m",
        "Long session.",
    )
    assert set(entry) == {
        "id",
        "date",
        "module_id",
        "module_title",
        "progress",
        "insight",
        "challenge",
        "next_steps",
        "body",
        "created_at",
        "updated_at",
        "module_in_curriculum",
    }
    assert len(entry["id"]) == 32 and int(entry["id"], 16) >= 0
    assert entry | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None,
        "date": today(),
        "module_id": "2.1",
        "module_title": "Inference Stack",
        "progress": "paged KV cache",
        "insight": "blocks like pages",
        "challenge": "fragmentation",
        "next_steps": "read the vLLM paper",
        "body": "Long session.",
        "created_at": None,
        "updated_at": None,
        "module_in_curriculum": True,
    }
    assert entry["created_at"].endswith("Z") and entry["created_at"] == entry["updated_at"]
    human = cli("log", "add", "-m", "short one", "--module", "0.1")
    assert human.exit_code == 0 and human.stdout.startswith("Logged ")
    assert f"{today()}: Module 0.1 - Linear Algebra" in human.stdout


def test_add_picks_the_module_last_worked_on_or_none(curriculum, cli):
    assert _add(cli, "-m", "before any progress")["module_id"] is None
    cli("doing", "beta-cuda/warps")
    assert _add(cli, "-m", "now")["module_id"] == "beta-cuda"


def test_add_bad_input_is_exit_2_and_changes_nothing(curriculum, cli, learn_home, tmp_path):
    _add(cli, "-m", "first")
    before = db_snapshot(learn_home)
    result = cli("log", "add", "--module", "0.3", "-m", "x")
    assert result.exit_code == 2
    assert result.stderr == "learn: no module '0.3'; did you mean module-0.2?\n"
    assert "did you mean beta-cuda?" in cli("log", "add", "--module", "beta-cud", "-m", "x").stderr
    result = cli("log", "add", "--progress", "  ")
    assert result.exit_code == 2 and "the entry is empty" in result.stderr
    draft = tmp_path / "draft.md"
    draft.write_text("Progress: x\n")
    result = cli("log", "add", "--from", str(draft), "--progress", "y")
    assert result.exit_code == 2 and "either --from FILE or the field flags" in result.stderr
    result = cli("log", "add", "--from", str(tmp_path / "missing.md"))
    assert result.exit_code == 2 and f"cannot read {tmp_path / 'missing.md'}" in result.stderr
    draft.write_text("# only a comment\n")
    result = cli("log", "add", "--from", str(draft))
    assert result.exit_code == 1 and "holds no entry text; nothing saved" in result.stderr
    assert db_snapshot(learn_home) == before
    assert draft.exists()  # not a draft of ours: never removed


def test_add_from_standard_input(curriculum, cli):
    result = cli(
        "log",
        "add",
        "--from",
        "-",
        "--json",
        input="2026-01-05: Module 0.2 - Backprop\nKey Insight: chain rule, backwards\nProgress: done\n",
    )
    entry = json.loads(result.stdout)
    assert (entry["date"], entry["module_id"], entry["insight"], entry["progress"]) == (
        "2026-01-05",
        "0.2",
        "chain rule, backwards",
        "done",
    )


def test_list_filters_and_order(curriculum, cli):
    for day, module in (("2026-01-01", "0.1"), ("2026-02-01", "0.2"), ("2026-03-01", "0.1")):
        cli("log", "add", "--from", "-", input=f"{day}: Module {module}\nProgress: work on {day}\n")

    def days(*args: str) -> list[str]:
        return [e["date"] for e in cli.json("log", "list", *args)["entries"]]

    assert days() == ["2026-03-01", "2026-02-01", "2026-01-01"]  # newest first
    assert days("--module", "module-0.1") == ["2026-03-01", "2026-01-01"]
    assert days("--since", "2026-02-01") == ["2026-03-01", "2026-02-01"]  # the day itself included
    assert days("--since", "2026-02-02", "--module", "0.2") == []
    out = cli("log", "list").stdout
    assert "Module 0.1" in out and "work on 2026-03-01" in out and "2026-02-01" in out
    assert "No entries match." in cli("log", "list", "--since", "2027-01-01").stdout


def test_list_bad_input(curriculum, cli):
    assert "No log entries yet" in cli("log", "list").stdout
    result = cli("log", "list", "--since", "01/02/2026")
    assert result.exit_code == 2
    assert result.stderr.startswith("learn: bad --since date '01/02/2026'; use YYYY-MM-DD, e.g. ")
    result = cli("log", "list", "--module", "module-0.3")
    assert result.exit_code == 2 and "did you mean module-0.2?" in result.stderr


def test_show_by_id_or_unique_prefix(curriculum, cli):
    entry = _add(cli, "--module", "0.1", "--progress", "one\ntwo", "--next", "[b]three[/b]", "-m", "body")
    assert cli.json("log", "show", entry["id"]) == entry
    assert cli.json("log", "show", entry["id"][:4].upper()) == entry
    out = cli("log", "show", entry["id"][:8]).stdout
    assert out.splitlines()[:5] == [
        f"{entry['date']}: Module 0.1 - Linear Algebra",
        "body",
        "Progress: one",
        "two",
        "Next Steps: [b]three[/b]",
    ]  # markup in the text is shown, not interpreted
    assert entry["id"] in out


def test_unknown_short_or_ambiguous_ids_are_exit_2(curriculum, cli, monkeypatch):
    import uuid

    ids = iter([uuid.UUID("abcd0000" + "0" * 24), uuid.UUID("abcd1111" + "1" * 24)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(ids))
    _add(cli, "-m", "one")
    _add(cli, "-m", "two")
    for ident, message in (
        ("abcd", "log entry id 'abcd' is ambiguous (abcd0000, abcd1111); give more characters"),
        ("abc", "log entry id 'abc' is too short; give at least 4 characters"),
        ("ffff", "no log entry 'ffff'; `learn log list` shows the ids"),
        ("not-hex", "no log entry 'not-hex'; ids are hexadecimal"),
    ):
        for command in (("show",), ("edit",), ("rm", "--yes")):
            result = cli("log", *command, ident)
            assert result.exit_code == 2, (command, ident)
            assert result.stderr.startswith(f"learn: {message}"), result.stderr
    assert cli.json("log", "show", "abcd1")["body"] == "two"


def test_edit_with_flags_replaces_only_those_fields(curriculum, cli):
    entry = _add(cli, "--module", "0.1", "--progress", "one", "--insight", "kept", "-m", "body")
    result = cli("log", "edit", entry["id"][:8], "--progress", "one and a half", "--next", "more", "--json")
    after = json.loads(result.stdout)
    assert (after["progress"], after["insight"], after["next_steps"], after["body"]) == (
        "one and a half",
        "kept",
        "more",
        "body",
    )
    assert after["created_at"] == entry["created_at"]
    same = cli("log", "edit", entry["id"][:8], "--insight", "kept")
    assert same.exit_code == 0 and "No changes" in same.stdout


def test_edit_module_moves_the_entry_and_an_unknown_one_changes_nothing(curriculum, cli, learn_home):
    cli("doing", "beta-cuda/warps")
    added = cli("log", "add", "-m", "filed by default")
    assert "under beta-cuda: the module you worked on last" in " ".join(added.stdout.split())
    entry = cli.json("log", "list")["entries"][0]
    moved = cli.json("log", "edit", entry["id"][:8], "--module", "module-0.1")
    assert (moved["module_id"], moved["module_title"], moved["body"]) == ("0.1", "Linear Algebra", "filed by default")
    before = db_snapshot(learn_home)
    bad = cli("log", "edit", entry["id"][:8], "--module", "0.9")
    assert bad.exit_code == 2 and "no module '0.9'" in bad.stderr
    assert db_snapshot(learn_home) == before


def test_rm_asks_and_refuses_without_a_terminal(curriculum, cli, learn_home, monkeypatch):
    keep, gone = _add(cli, "-m", "keep me"), _add(cli, "-m", "delete me")
    before = db_snapshot(learn_home)
    result = cli("log", "rm", gone["id"][:8])
    assert result.exit_code == 2
    assert "not at a terminal to ask; pass --yes" in result.stderr
    assert db_snapshot(learn_home) == before

    import app.cli.log_cmds

    monkeypatch.setattr(app.cli.log_cmds, "stdin_is_interactive", lambda: True)
    result = cli("log", "rm", gone["id"][:8], input="n\n")
    assert result.exit_code == 1 and "Delete this entry?" in result.stderr and "Nothing deleted." in result.stderr
    assert db_snapshot(learn_home) == before
    result = cli("log", "rm", gone["id"][:8], input="y\n")
    assert result.exit_code == 0 and "Deleted 1 entry" in result.stdout
    assert [e["id"] for e in cli.json("log", "list")["entries"]] == [keep["id"]]

    monkeypatch.setattr(app.cli.log_cmds, "stdin_is_interactive", lambda: False)
    assert cli.json("log", "rm", "--yes", keep["id"]) == {"deleted": [keep["id"]]}
    assert cli.json("log", "list")["entries"] == []


def _remove_module_02(curriculum) -> None:
    path = curriculum / "alpha.yaml"
    text = path.read_text()
    start, end = text.index('      - id: "0.2"'), text.index("  - id: serving")
    path.write_text(text[:start] + text[end:])


def test_entries_survive_a_sync_and_their_module_leaving_the_yaml(curriculum, cli):
    entry = _add(cli, "--module", "0.2", "--progress", "backprop by hand")
    assert cli("sync").exit_code == 0
    _remove_module_02(curriculum)
    assert cli("sync").exit_code == 0
    assert "no module '0.2'" in cli("show", "0.2").stderr  # really gone from the curriculum

    [listed] = cli.json("log", "list")["entries"]
    assert listed == entry | {"module_in_curriculum": False}
    assert listed["module_title"] == "Backprop"  # kept
    assert cli.json("log", "list", "--module", "module-0.2")["entries"] == [listed]
    out = cli("log", "show", entry["id"][:8]).stdout
    assert out.startswith(f"{entry['date']}: Module 0.2 - Backprop")
    assert "module 0.2 is no longer in the curriculum; the entry keeps its title" in out
    assert f"{entry['date']}: Module 0.2 - Backprop\nProgress: backprop by hand" in cli("log", "export").stdout
    # Editing it keeps its module, even through a re-read header.
    cli("log", "add", "--from", "-", input=f"{entry['date']}: Module 0.1\nProgress: other\n")
    edited = cli.json("log", "edit", entry["id"][:8], "--insight", "still here")
    assert (edited["module_id"], edited["module_title"], edited["insight"]) == ("0.2", "Backprop", "still here")
    # New entries cannot name it.
    result = cli("log", "add", "--module", "0.2", "-m", "x")
    assert result.exit_code == 2 and "no module '0.2'" in result.stderr


def test_data_export_import_round_trip_merges_by_id(curriculum, cli, tmp_path, monkeypatch):
    first = _add(cli, "--module", "0.1", "--progress", "eigenvectors everywhere")
    second = _add(cli, "-m", "no module here")
    backup = tmp_path / "backup.json"
    assert cli("data", "export", str(backup)).exit_code == 0
    data = json.loads(backup.read_text())
    assert sorted(e["id"] for e in data["log"]) == sorted([first["id"], second["id"]])
    assert set(data["log"][0]) == set(first) - {"module_in_curriculum"}

    monkeypatch.setenv("LEARN_HOME", str(tmp_path / "other-machine"))
    _add(cli, "-m", "written on the other machine")
    assert cli.json("data", "import", str(backup))["log"] == {"added": 2, "updated": 0, "unchanged": 0}
    assert cli.json("data", "import", str(backup))["log"] == {"added": 0, "updated": 0, "unchanged": 2}
    entries = {e["id"]: e for e in cli.json("log", "list")["entries"]}
    assert len(entries) == 3 and entries[first["id"]] == first
    assert cli.json("log", "search", "eigenvectors")["results"][0]["id"] == first["id"]

    # A newer version wins, an older one does not; the search index follows the replaced row.
    newer = dict(data["log"][0] if data["log"][0]["id"] == first["id"] else data["log"][1])
    newer |= {"progress": "singular values now", "updated_at": _soon()}
    older = dict(newer) | {"progress": "stale", "updated_at": "2000-01-01T00:00:00+00:00"}
    for record, counts in (
        (newer, {"added": 0, "updated": 1, "unchanged": 0}),
        (older, {"added": 0, "updated": 0, "unchanged": 1}),
    ):
        backup.write_text(json.dumps(data | {"log": [record]}))
        assert cli.json("data", "import", str(backup))["log"] == counts
    assert cli.json("log", "show", first["id"])["progress"] == "singular values now"
    assert cli.json("log", "search", "eigenvectors")["results"] == []
    assert [r["id"] for r in cli.json("log", "search", "singular")["results"]] == [first["id"]]


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"id": "not-a-uuid"}, "log record 1 (id 'not-a-uuid'): id 'not-a-uuid' is not 32 lowercase hex digits"),
        ({"date": "2026/01/01"}, "): date is '2026/01/01', not a date like '2025-01-31'"),
    ],
)
def test_data_import_rejects_bad_entries(curriculum, cli, tmp_path, learn_home, bad, message):
    entry = _add(cli, "-m", "x")
    before = db_snapshot(learn_home)
    record = {k: v for k, v in entry.items() if k != "module_in_curriculum"} | bad
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"format": "learn-data", "version": 1, "exported_at": "2026-01-01T00:00:00Z", "log": [record]})
    )
    result = cli("data", "import", str(path))
    assert result.exit_code == 2 and message in result.stderr
    assert db_snapshot(learn_home) == before


def _soon() -> str:
    """A time just ahead of this machine's (within the clock skew an import allows): newer than any row here."""
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
