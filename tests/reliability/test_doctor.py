"""`learn doctor`: read-only checks, orphans shown (never deleted), exit 1 with the fix when wrong."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from app.db.engine import SCHEMA_VERSION, dispose_engines
from tests.conftest import db_snapshot
from tests.reliability.harness import FIXTURES


@pytest.fixture
def decks(monkeypatch):
    monkeypatch.setenv("LEARN_DRILLS", str(FIXTURES / "drills"))


def _checks(report: dict) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


def test_a_healthy_store(learn_home, curriculum, decks, cli, tmp_path):
    cli("check", "0.1/pca")
    cli("data", "backup")
    (tmp_path / "workspace" / "module-0.2").mkdir(parents=True)
    (tmp_path / "workspace" / "module-0.2" / "softmax.py").write_text("")
    report = cli.json("doctor")
    assert report["ok"] is True
    assert _checks(report) == {
        "home": "ok",
        "disk": "ok",
        "curriculum": "ok",
        "decks": "ok",
        "database": "ok",
        "integrity": "ok",
        "foreign keys": "ok",
        "schema": "ok",
        "wal": "ok",
        "orphans": "ok",
        "rows": "ok",
        "schema objects": "ok",
        "backups": "ok",
        "workspace": "ok",
        "versions": "ok",
    }
    assert report["database"]["schema_version"] == report["database"]["expected_schema_version"] == SCHEMA_VERSION
    assert report["database"]["wal_bytes"] >= 0 and report["database"]["bytes"] > 0
    assert report["backups"]["count"] == 1 and report["backups"]["keep"] == 10
    assert report["workspace"] == {"path": str(tmp_path / "workspace"), "exists": True, "files": 1}
    assert {"python", "sqlite", "torch", "cuda", "cuda_available", "device", "triton"} <= set(report["versions"])
    human = cli("doctor")
    assert human.exit_code == 0 and "All checks passed." in human.stdout and "fix:" not in human.stdout


def test_orphans_are_listed_as_such_and_kept(learn_home, curriculum, decks, cli):
    cli("check", "0.2/linear", "0.1/pca")
    from fsrs import Card

    from app.db.engine import get_engine
    from app.drill.store import record_review
    from app.journal.entry import EntryDraft
    from app.journal.store import add_entry

    engine = get_engine()
    record_review(engine, "basics/gone-card", 3, datetime(2026, 1, 1, tzinfo=UTC), None, Card(), Card())
    add_entry(
        engine, EntryDraft(date="2026-01-02", module_id="0.2", module_title="Backprop", fields={"progress": "layers"})
    )
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO verify_attempt VALUES ('c3c3c3c3c3c3c3c3c3c3c3c3c3c3c301', 'retired_exercise', '0.1', 1, 1, 1, '{}', 5, "
            "'2026-01-01T00:00:00Z', NULL)"
        )
    alpha = curriculum / "alpha.yaml"
    text = alpha.read_text()
    alpha.write_text(
        text[: text.index('      - id: "0.2"')] + text[text.index("  - id: serving") :]
    )  # module 0.2 leaves
    dispose_engines()
    before = db_snapshot(learn_home)
    report = cli.json("doctor")
    assert report["ok"] is True  # orphans are kept on purpose: not a problem
    assert _checks(report)["orphans"] == "info"
    orphans = report["orphans"]
    assert [r["item_id"] for r in orphans["progress"]] == ["0.2/linear"]
    assert [r["card_id"] for r in orphans["drill_review"]] == ["basics/gone-card"]
    assert [r["exercise_id"] for r in orphans["verify_attempt"]] == ["retired_exercise"]
    assert [r["module_id"] for r in orphans["log_entry"]] == ["0.2"]
    assert db_snapshot(learn_home) == before  # shown, not deleted; doctor writes nothing
    human = cli("doctor").stdout
    assert "orphan progress: item_id 0.2/linear" in " ".join(human.split())


def test_a_damaged_database_is_exit_1_with_the_restore_command(learn_home, curriculum, decks, cli):
    cli("check", "0.1/pca")
    saved = cli.json("data", "backup")["file"]
    dispose_engines()
    db = learn_home / "learn.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'progress'").fetchone()[0]
    data = bytearray(db.read_bytes())
    data[(root - 1) * 4096 : root * 4096] = b"\xde\xad" * 2048
    db.write_bytes(bytes(data))
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    import json

    report = json.loads(result.stdout)
    [failed] = [c for c in report["checks"] if c["status"] == "error"]
    assert failed["name"] == "integrity"
    assert (
        failed["fix"]
        == f"restore the newest backup with `learn data restore {saved}`, or move the file aside to start fresh"
    )
    human = cli("doctor")
    assert human.exit_code == 1 and "fix: restore the newest backup with `learn data restore" in " ".join(
        human.stdout.split()
    )
    assert db.read_bytes() == bytes(data)


def test_a_newer_schema_is_exit_1_with_upgrade(learn_home, curriculum, decks, cli):
    cli("status")
    dispose_engines()
    with sqlite3.connect(learn_home / "learn.db") as conn:
        conn.execute("PRAGMA user_version = 7")
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    import json

    failed = {c["name"]: c for c in json.loads(result.stdout)["checks"] if c["status"] == "error"}
    assert failed["schema"]["summary"] == f"schema version 7, newer than this learn understands ({SCHEMA_VERSION})"
    assert failed["schema"]["fix"] == "upgrade learn (git pull && pip install -e .)"


def test_broken_yaml_and_a_bad_setting_are_exit_1(learn_home, curriculum, decks, cli, monkeypatch):
    cli("status")
    (curriculum / "beta.yaml").write_text("id: beta\ntitle: B\ntitle: C\n")
    monkeypatch.setenv("LEARN_KEEP_BACKUPS", "0")
    result = cli("doctor", "--json")
    assert result.exit_code == 1
    import json

    failed = {c["name"]: c for c in json.loads(result.stdout)["checks"] if c["status"] == "error"}
    assert set(failed) == {"curriculum", "backups"}
    assert failed["curriculum"]["summary"] == (
        f"curriculum has 1 problem: {curriculum / 'beta.yaml'}:3: duplicate key 'title' (first at line 2)"
    )
    assert failed["backups"]["fix"] == "unset LEARN_KEEP_BACKUPS or set it to a number such as 10"


def test_no_database_yet_is_fine_and_stays_absent(learn_home, curriculum, decks, cli):
    report = cli.json("doctor")
    assert report["ok"] and _checks(report)["database"] == "info"
    assert not (learn_home / "learn.db").exists()
