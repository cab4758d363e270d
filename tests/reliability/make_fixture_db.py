"""Build the committed database of the current schema version, for the migration tests of later ones.

    python tests/reliability/make_fixture_db.py      writes fixtures/learn-v<N>.sqlite3 and learn-v<N>.export.json

(.sqlite3, not .db: the repository ignores *.db files, and these must be committed.)

Run it once per schema version, BEFORE bumping SCHEMA_VERSION (and commit both files): the next
version's migration is then tested from a real database of this one by test_migration_fixtures.py.
The data is fixed (ids, times), written through the app's own functions: the fixture curriculum
synced, learner data of every kind merged in by `learn data import`, the drill decks synced (the
journal's index comes with the schema since v2). One progress row points at an item in no curriculum.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
FIXTURES = REPO / "tests" / "fixtures"

NEW = '{"state": "new", "step": 0, "stability": null, "difficulty": null, "due": "2026-01-05T09:10:00Z", "last_review": null}'
LEARNING = (
    '{"state": "learning", "step": 1, "stability": 2.3065, "difficulty": 2.11810397, "due": "2026-01-05T09:20:00Z", '
    '"last_review": "2026-01-05T09:10:00Z"}'
)
LEARNER_DATA = {
    "format": "learn-data",
    "version": 1,
    "exported_at": "2026-01-10T12:00:00Z",
    "progress": [
        {
            "item_id": "0.1/pca",
            "status": "done",
            "updated_at": "2026-01-05T09:00:00Z",
            "completed_at": "2026-01-05T09:00:00Z",
        },
        {"item_id": "0.2/layer", "status": "in_progress", "updated_at": "2026-01-06T10:30:00Z", "completed_at": None},
        {"item_id": "0.1/matmul", "status": "todo", "updated_at": "2026-01-07T08:00:00Z", "completed_at": None},
        {
            "item_id": "0.9/left-the-yaml",
            "status": "done",
            "updated_at": "2026-01-02T08:00:00Z",
            "completed_at": "2026-01-02T08:00:00Z",
        },
    ],
    "log": [
        {
            "id": "0f0e0d0c0b0a09080706050403020101",
            "date": "2026-01-05",
            "module_id": "0.1",
            "module_title": "Linear Algebra",
            "progress": "PCA from scratch, checked against numpy.",
            "insight": "The covariance eigenvectors are the axes.",
            "challenge": "Sign flips of eigenvectors.",
            "next_steps": "Backprop.",
            "body": "",
            "created_at": "2026-01-05T21:00:00Z",
            "updated_at": "2026-01-05T21:05:00Z",
        },
        {
            "id": "0f0e0d0c0b0a09080706050403020102",
            "date": "2026-01-06",
            "module_id": None,
            "module_title": None,
            "progress": "",
            "insight": "",
            "challenge": "",
            "next_steps": "",
            "body": "A quiet day of reading about warps.",
            "created_at": "2026-01-06T20:00:00Z",
            "updated_at": "2026-01-06T20:00:00Z",
        },
    ],
    "reviews": [
        {
            "id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a101",
            "card_id": "basics/pca",
            "rating": 3,
            "reviewed_at": "2026-01-05T09:10:00Z",
            "duration_ms": 4200,
            "state_before": NEW,
            "state_after": LEARNING,
        },
        {
            "id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a102",
            "card_id": "basics/matmul-shape",
            "rating": 1,
            "reviewed_at": "2026-01-05T09:11:00Z",
            "duration_ms": 12000,
            "state_before": NEW,
            "state_after": LEARNING,
        },
        {
            "id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a103",
            "card_id": "basics/matmul-shape",
            "rating": 3,
            "reviewed_at": "2026-01-05T09:20:00Z",
            "duration_ms": 3000,
            "state_before": LEARNING,
            "state_after": LEARNING,
        },
    ],
    "verify_attempts": [
        {
            "id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b201",
            "exercise_id": "softmax",
            "module_id": "0.2",
            "passed": False,
            "checks_passed": 3,
            "checks_total": 40,
            "details": '{"status": "failed", "checks": []}',
            "duration_ms": 310,
            "started_at": "2026-01-06T11:00:00Z",
            "source_hash": "0123456789abcdef",
        },
        {
            "id": "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b202",
            "exercise_id": "softmax",
            "module_id": "0.2",
            "passed": True,
            "checks_passed": 40,
            "checks_total": 40,
            "details": '{"status": "passed", "checks": []}',
            "duration_ms": 290,
            "started_at": "2026-01-06T11:30:00Z",
            "source_hash": "fedcba9876543210",
        },
    ],
    "notes": [  # schema v2
        {
            "target_id": "0.1",
            "kind": "module",
            "text": "Do the exercises before chapter 3.",
            "created_at": "2026-01-05T08:00:00Z",
            "updated_at": "2026-01-05T08:00:00Z",
        },
        {
            "target_id": "0.1/pca",
            "kind": "item",
            "text": "Center the data first; eigenvector signs are arbitrary.",
            "created_at": "2026-01-05T09:05:00Z",
            "updated_at": "2026-01-06T09:05:00Z",
        },
    ],
}


def build(out_dir: Path = HERE / "fixtures") -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.update(
            LEARN_HOME=scratch, LEARN_CURRICULUM=str(FIXTURES / "curriculum"), LEARN_DRILLS=str(FIXTURES / "drills")
        )
        sys.path.insert(0, str(REPO))
        from app.backup import vacuum_into
        from app.db.engine import SCHEMA_VERSION, dispose_engines
        from app.drill.sync import sync_decks
        from app.learner_data import KINDS, export_data, import_data, read_data_file
        from app.study.store import open_store

        engine = open_store()
        sync_decks(engine)
        data_file = Path(scratch) / "data.json"
        data_file.write_text(json.dumps(LEARNER_DATA), encoding="utf-8")
        import_data(engine, read_data_file(data_file))
        exported = export_data(engine)
        assert all(exported[kind.name] for kind in KINDS), "give the fixture a row of every kind of learner data"
        dispose_engines()
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"learn-v{SCHEMA_VERSION}.sqlite3"
        target.unlink(missing_ok=True)
        vacuum_into(Path(scratch) / "learn.db", target)
        exported["exported_at"] = LEARNER_DATA["exported_at"]
        (out_dir / f"learn-v{SCHEMA_VERSION}.export.json").write_text(
            json.dumps(exported, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return target


if __name__ == "__main__":
    print(f"wrote {build()}")
