"""Stored attempts: one `verify_attempt` row per run of an exercise, and the items they tick.

An item linked by several exercises (one checklist line "Sigmoid, ReLU, softmax from scratch" may be
checked by two exercises) is ticked when every one of them has passed at least once; until then the
report says which are still missing. Reference and wrong-solution runs are never stored.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.stored_json import attempt_details
from app.verify.report import ExerciseReport
from reference_impls.exercise import Exercise

DETAILS_OUTPUT_LIMIT = 4096  # of each stream, in the stored details; the run itself keeps 1 MiB

_INSERT = text(
    "INSERT INTO verify_attempt (id, exercise_id, module_id, passed, checks_passed, checks_total, details, "
    "duration_ms, started_at, source_hash) VALUES (:id, :exercise_id, :module_id, :passed, :checks_passed, "
    ":checks_total, :details, :duration_ms, :started_at, :source_hash)"
)


PASSED_CASE_FIELDS = ("index", "label", "detail", "passed", "status")  # a passing case needs no more


def _details(report: ExerciseReport) -> str:
    """The report as JSON, compacted: passing cases and repeats of an error keep only their names."""
    data = report.to_json()
    first_of: dict[tuple, int] = {}
    checks = []
    for case in data["checks"]:
        key = (case["check"], case["status"], case["message"])
        if case["passed"]:
            case = {k: case.get(k) for k in PASSED_CASE_FIELDS}
        elif case["status"] != "failed" and key in first_of:  # NotImplementedError x 132: stored once
            case = {
                **{k: case.get(k) for k in PASSED_CASE_FIELDS},
                "message": case["message"],
                "same_as": first_of[key],
            }
        else:
            first_of.setdefault(key, case["index"])
        checks.append(case)
    data["checks"] = checks
    data["output"] = {
        **data["output"],
        "stdout": data["output"]["stdout"][:DETAILS_OUTPUT_LIMIT],
        "stderr": data["output"]["stderr"][:DETAILS_OUTPUT_LIMIT],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def store_attempts(engine: Engine, reports: list[ExerciseReport]) -> list[str]:
    """Store one row per report that ran the learner's code (not missing files, not broken specs)."""
    ids = []
    with write_connection(engine) as conn:
        for report in reports:
            if report.impl != "learner" or report.status in ("missing", "spec_error"):
                continue
            attempt_id = uuid.uuid4().hex
            conn.execute(
                _INSERT,
                {
                    "id": attempt_id,
                    "exercise_id": report.id,
                    "module_id": report.module_id,
                    "passed": report.passed,
                    "checks_passed": report.checks_passed,
                    "checks_total": report.checks_total,
                    "details": _details(report),
                    "duration_ms": report.duration_ms,
                    "started_at": report.started_at,
                    "source_hash": report.source_hash,
                },
            )
            ids.append(attempt_id)
    return ids


def passed_ever(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        found = set(conn.execute(text("SELECT DISTINCT exercise_id FROM verify_attempt WHERE passed")).scalars())
        conn.rollback()
    return found


@dataclass
class Ticks:
    ticked: list[str] = field(default_factory=list)  # items newly marked done
    waiting: dict[str, list[str]] = field(default_factory=dict)  # item -> exercises that must pass too

    def to_json(self) -> dict:
        return {"ticked": self.ticked, "waiting": self.waiting}


def tick_items(engine: Engine, passed: list[Exercise], everything: list[Exercise]) -> Ticks:
    """Mark done the items of the `passed` exercises whose linked exercises have all passed."""
    from app.progress import EFFECTIVE_STATUS_SQL, set_status

    result = Ticks()
    if not passed:
        return result
    done_exercises = passed_ever(engine) | {e.id for e in passed}
    from app.verify.registry import exercises_by_item

    linked = exercises_by_item(everything)
    candidates = list(dict.fromkeys(item for e in passed for item in e.items))
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(
                text(f"SELECT i.id, {EFFECTIVE_STATUS_SQL} FROM item i LEFT JOIN progress p ON p.item_id = i.id")
            ).all()
        )
        conn.rollback()
    to_tick = []
    for item in candidates:
        missing = [ex for ex in linked.get(item, []) if ex not in done_exercises]
        if missing:
            result.waiting[item] = missing
        elif item in statuses and statuses[item] != "done":
            to_tick.append(item)
    if to_tick:
        set_status(engine, to_tick, "done")
        result.ticked = to_tick
    return result


def last_attempts(engine: Engine, exercise_ids: list[str]) -> dict[str, dict]:
    """The newest attempt of each exercise: {id: {"passed", "checks_passed", "checks_total", "started_at", ...}}."""
    if not exercise_ids:
        return {}
    params = {f"e{n}": e for n, e in enumerate(exercise_ids)}
    query = text(
        "SELECT exercise_id, passed, checks_passed, checks_total, started_at, duration_ms, details FROM verify_attempt a "
        f"WHERE exercise_id IN ({', '.join(':' + k for k in params)}) AND started_at = "
        "(SELECT MAX(started_at) FROM verify_attempt b WHERE b.exercise_id = a.exercise_id) ORDER BY a.rowid"
    )
    found: dict[str, dict] = {}
    with engine.connect() as conn:
        for row in conn.execute(query, params):
            details = attempt_details(row.details)
            found[row.exercise_id] = {  # a later row of the same second wins (rowid order)
                "passed": bool(row.passed),
                "status": details.get("status"),
                "checks_passed": row.checks_passed,
                "checks_total": row.checks_total,
                "started_at": row.started_at,
                "duration_ms": row.duration_ms,
                "error": details.get("error"),
                "hints": details.get("hints", [])[:3],
            }
        conn.rollback()
    return found
