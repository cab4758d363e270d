"""`learn data import` and `learn data restore` of files made to hurt (issue 18).

Every bad file gets one line naming the file and the field, exit 2, and the database unchanged. Rows
that got in before imports were checked are found by `learn doctor` and removed by `learn data repair`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.db.engine import dispose_engines
from tests.conftest import db_snapshot

STATE = (
    '{"state": "learning", "step": 1, "stability": 2.3, "difficulty": 2.1, "due": "2026-01-05T09:20:00Z", '
    '"last_review": "2026-01-05T09:10:00Z"}'
)
ATTEMPT = {
    "id": "b2" * 16,
    "exercise_id": "softmax",
    "module_id": "0.2",
    "passed": False,
    "checks_passed": 3,
    "checks_total": 40,
    "details": '{"status": "failed", "checks": []}',
    "duration_ms": 310,
    "started_at": "2026-01-06T11:00:00Z",
    "source_hash": "0123456789abcdef",
}
REVIEW = {
    "id": "a1" * 16,
    "card_id": "basics/pca",
    "rating": 3,
    "reviewed_at": "2026-01-05T09:10:00Z",
    "duration_ms": 4200,
    "state_before": STATE,
    "state_after": STATE,
}
NOTE = {
    "target_id": "0.1/pca",
    "kind": "item",
    "text": "PCA: the eigenvectors of the covariance",
    "created_at": "2026-01-05T09:00:00Z",
    "updated_at": "2026-01-05T09:00:00Z",
}
PROGRESS = {"item_id": "0.1/pca", "status": "done", "updated_at": "2026-01-05T09:00:00Z", "completed_at": None}
LOG = {
    "id": "0f" * 16,
    "date": "2026-01-05",
    "module_id": "0.1",
    "module_title": "Linear Algebra",
    "progress": "PCA",
    "insight": "",
    "challenge": "",
    "next_steps": "",
    "body": "",
    "created_at": "2026-01-05T21:00:00Z",
    "updated_at": "2026-01-05T21:05:00Z",
}


def _future(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _file(**kinds: list[dict]) -> dict:
    return {"format": "learn-data", "version": 1, "exported_at": "2026-01-10T12:00:00Z", **kinds}


BAD_RECORDS = {
    # case: (kind, record, words the one line holds)
    "details not JSON": ("verify_attempts", ATTEMPT | {"details": "not json"}, "details is not JSON"),
    "details a list": ("verify_attempts", ATTEMPT | {"details": "[1, 2]"}, "details is JSON but not an object"),
    "details hints not texts": ("verify_attempts", ATTEMPT | {"details": '{"hints": [1]}'}, "details.hints"),
    "details status a number": ("verify_attempts", ATTEMPT | {"details": '{"status": 7}'}, "details.status"),
    "state unknown": ("reviews", REVIEW | {"state_before": STATE.replace("learning", "hacked")}, "is not one of"),
    "state lacks keys": ("reviews", REVIEW | {"state_after": '{"state": "review"}'}, "state lacks step"),
    "state not JSON": ("reviews", REVIEW | {"state_before": "{"}, "state is not JSON"),
    "rating 5": ("reviews", REVIEW | {"rating": 5}, "reviews record 1 (id 'a1a1"),
    "card id with spaces": ("reviews", REVIEW | {"card_id": "basics pca"}, "is not a curriculum id"),
    "item id a path": ("progress", PROGRESS | {"item_id": "../../etc"}, "is not a curriculum id"),
    "attempt id not uuid hex": ("verify_attempts", ATTEMPT | {"id": "1; DROP TABLE progress"}, "uuid4 hex"),
    "status unknown": ("progress", PROGRESS | {"status": "pwned"}, "status is 'pwned'; it must be 'todo'"),
    "an int past 64 bits": ("verify_attempts", ATTEMPT | {"duration_ms": 2**70}, "duration_ms"),
    "a negative count": ("verify_attempts", ATTEMPT | {"checks_passed": -1}, "checks_passed"),
    "a time that is not one": (
        "progress",
        PROGRESS | {"updated_at": "yesterday"},
        "updated_at is 'yesterday', not a time like",
    ),
    "a year past 9999": ("progress", PROGRESS | {"updated_at": "99999-01-01T00:00:00Z"}, "not a time like"),
    "updated tomorrow": ("progress", PROGRESS | {"updated_at": _future(days=1)}, "is in the future"),
    "reviewed in an hour": ("reviews", REVIEW | {"reviewed_at": _future(hours=1)}, "is in the future"),
    "a log day next year": ("log", LOG | {"date": f"{datetime.now(UTC).year + 1}-01-01"}, "is in the future"),
    "a log day that is not one": ("log", LOG | {"date": "2026-02-30"}, "date is '2026-02-30', not a date like"),
    "a 2 MB body": ("log", LOG | {"body": "x" * 2_000_000}, "log record 1 (id '0f0f"),
    "a module id with a newline": ("log", LOG | {"module_id": "0.1\nrm"}, "is not a curriculum id"),
}


@pytest.mark.parametrize("case", BAD_RECORDS)
def test_a_bad_record_is_one_line_and_changes_nothing(cli, curriculum, learn_home, tmp_path, case):
    kind, record, words = BAD_RECORDS[case]
    cli("check", "0.1/matmul")
    before = db_snapshot(learn_home)
    good = {"progress": [PROGRESS | {"item_id": "0.1/vectors"}]}  # a good record beside it is not imported either
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_file(**good) | {kind: [*good.get(kind, []), record]}), encoding="utf-8")
    result = cli("data", "import", str(path))
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"learn: {path}") and words in lines[0], result.stderr
    assert db_snapshot(learn_home) == before


def test_a_time_within_the_clock_skew_is_accepted(cli, curriculum, tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_file(progress=[PROGRESS | {"updated_at": _future(minutes=2)}])), encoding="utf-8")
    assert cli.json("data", "import", str(path))["progress"]["added"] == 1


def test_good_records_of_every_kind_import(cli, curriculum, tmp_path):
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(_file(progress=[PROGRESS], log=[LOG], reviews=[REVIEW], verify_attempts=[ATTEMPT], notes=[NOTE]))
    )
    counts = cli.json("data", "import", str(path))
    assert {kind: c["added"] for kind, c in counts.items()} == {
        "progress": 1,
        "log": 1,
        "reviews": 1,
        "verify_attempts": 1,
        "notes": 1,
    }
    assert cli("show", "0.2").exit_code == 0


@pytest.mark.parametrize(
    "shape", ["100k-deep arrays", "100k-deep objects", "a 5,000-digit number", "2 GB", "deep in a string"]
)
def test_huge_and_deep_files_get_one_line(cli, curriculum, learn_home, tmp_path, shape):
    cli("check", "0.1/matmul")
    before = db_snapshot(learn_home)
    path = tmp_path / "data.json"
    if shape == "100k-deep arrays":
        path.write_text('{"format": "learn-data", "progress": ' + "[" * 100_000 + "]" * 100_000 + "}")
    elif shape == "100k-deep objects":
        path.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000)
    elif shape == "a 5,000-digit number":
        path.write_text(
            json.dumps(_file(verify_attempts=[ATTEMPT])).replace('"duration_ms": 310', '"duration_ms": ' + "9" * 5000)
        )
    elif shape == "2 GB":
        with path.open("wb") as fh:  # sparse: 2 GB long, no disk used
            fh.truncate(2 * 2**30)
    else:  # brackets inside a string are text, not nesting: this file is fine
        path.write_text(json.dumps(_file(log=[LOG | {"body": "[" * 100_000}])))
        assert cli("data", "import", str(path)).exit_code == 0
        return
    result = cli("data", "import", str(path))
    assert result.exit_code == 2, result.output[-500:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"learn: {path}"), result.stderr[:500]
    assert {
        "100k-deep arrays": "levels deep (an export nests 3)",
        "100k-deep objects": "levels deep",
        "a 5,000-digit number": "unreadable JSON",
        "2 GB": "2048 MiB",
    }[shape] in lines[0]
    assert db_snapshot(learn_home) == before


def _store_unreadable_rows(home: Path) -> None:
    """Rows as an import before this check wrote them: `details` not JSON, a state no code knows."""
    dispose_engines()
    with sqlite3.connect(home / "learn.db") as conn:
        conn.execute(
            "INSERT INTO verify_attempt (id, exercise_id, module_id, passed, checks_passed, checks_total, "
            "details, duration_ms, started_at) VALUES (?, 'softmax', '0.2', 0, 0, 1, 'not json', 1, ?)",
            ("c3" * 16, "2026-01-06T11:00:00Z"),
        )
        conn.execute(
            "INSERT INTO drill_review (id, card_id, rating, reviewed_at, duration_ms, state_before, state_after) "
            "VALUES (?, 'basics/pca', 3, '2026-01-05T09:10:00Z', 1, '{\"state\": \"x\"}', ?)",
            ("d4" * 16, STATE),
        )


def test_doctor_finds_rows_commands_cannot_read_and_repair_removes_them(cli, curriculum, learn_home, tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(_file(progress=[PROGRESS], verify_attempts=[ATTEMPT])))
    cli("data", "import", str(path))
    _store_unreadable_rows(learn_home)
    report = json.loads(cli("doctor", "--json").stdout)
    rows = next(c for c in report["checks"] if c["name"] == "rows")
    assert rows["status"] == "error" and "learn data repair" in rows["fix"]
    assert {(r["table"], r["key"]) for r in report["unreadable"]} == {
        ("verify_attempt", "c3" * 16),
        ("drill_review", "d4" * 16),
    }
    repaired = cli.json("data", "repair")
    assert {r["key"] for r in repaired["rows"]} == {"c3" * 16, "d4" * 16}
    backup = Path(repaired["backup"])
    with sqlite3.connect(backup) as conn:  # what was removed is kept in the backup taken first
        assert conn.execute("SELECT details FROM verify_attempt WHERE id = ?", ("c3" * 16,)).fetchone() == ("not json",)
    assert cli("show", "0.2").exit_code == 0
    report = json.loads(cli("doctor", "--json").stdout)
    assert report["unreadable"] == [] and next(c for c in report["checks"] if c["name"] == "rows")["status"] == "ok"
    assert cli.json("data", "export", "-")["verify_attempts"][0]["id"] == ATTEMPT["id"]  # the good row stays
    assert cli.json("data", "repair") == {"backup": None, "rows": [], "objects": []}  # nothing more to do


def test_an_unreadable_row_breaks_no_command_before_it_is_repaired(cli, curriculum, learn_home, tmp_path):
    """The newest attempt of softmax is the damaged one: show and today treat it as a run without details."""
    cli("status")
    _store_unreadable_rows(learn_home)
    shown = cli.json("show", "0.2")
    assert next(e for e in shown["exercises"] if e["id"] == "softmax")["last"]["passed"] is False
    assert cli("show", "0.2").exit_code == 0
    today = cli.json("today")
    assert [(f["exercise_id"], f["hint"]) for f in today["verify_failures"]] == [("softmax", None)]


FOREIGN = {
    "trigger": "CREATE TRIGGER wipe AFTER INSERT ON progress BEGIN DELETE FROM log_entry; END",
    "view": "CREATE VIEW everything AS SELECT * FROM progress",
    "table": "CREATE TABLE stash (secret TEXT)",
    "index": "CREATE INDEX ix_mine ON progress (status)",
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_restore_refuses_a_file_with_objects_learn_does_not_define(cli, curriculum, learn_home, tmp_path, kind):
    cli("check", "0.1/pca")
    saved = Path(cli.json("data", "backup", str(tmp_path / "saved.db"))["file"])
    with sqlite3.connect(saved) as conn:
        conn.execute(FOREIGN[kind])
    cli("check", "0.1/matmul")
    before = db_snapshot(learn_home)
    result = cli("data", "restore", str(saved))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and f"holds {kind} " in lines[0] and "not made by learn" in lines[0], result.stderr
    assert db_snapshot(learn_home) == before


def test_doctor_reports_objects_learn_does_not_define_and_repair_drops_them(cli, curriculum, learn_home):
    cli("check", "0.1/pca")
    cli("log", "add", "-m", "0.1", "--progress", "kept")
    dispose_engines()
    with sqlite3.connect(learn_home / "learn.db") as conn:
        for statement in FOREIGN.values():
            conn.execute(statement)
    report = json.loads(cli("doctor", "--json").stdout)
    objects = next(c for c in report["checks"] if c["name"] == "schema objects")
    assert (
        objects["status"] == "error"
        and "trigger 'wipe'" in objects["summary"]
        and "view 'everything'" in objects["summary"]
    )
    repaired = cli.json("data", "repair")
    assert [o["type"] for o in repaired["objects"]] == ["trigger", "view", "index", "table"]
    cli("check", "0.1/matmul")  # the trigger would have emptied the journal here
    assert len(cli.json("log", "list")["entries"]) == 1
    report = json.loads(cli("doctor", "--json").stdout)
    assert next(c for c in report["checks"] if c["name"] == "schema objects")["status"] == "ok"
