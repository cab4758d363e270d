"""The JSON that some columns hold, checked for the shape its readers rely on.

`verify_attempt.details` is an exercise report (app/verify/report.py, compacted by
app/verify/attempts.py) and `drill_review.state_before` / `state_after` an FSRS card state
(app/drill/scheduling.py). Each checker returns None for a value its readers can use, else a one-line
reason. `learn data import` refuses records that fail, `learn doctor` finds stored rows that do, and
`learn data remove-unreadable` sets them aside.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

REVIEW_STATES = ("new", "learning", "review", "relearning")
STATE_KEYS = ("state", "step", "stability", "difficulty", "due", "last_review")


def _object(value: object, what: str) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON object `value` holds, or None and why not."""
    if not isinstance(value, str):
        return None, f"{what} is not text"
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None, f"{what} is not JSON ({value[:30]!r})"
    if not isinstance(data, dict):
        return None, f"{what} is JSON but not an object"
    return data, None


def attempt_details_problem(value: object) -> str | None:
    """Why `value` is not a verify attempt's details (None: it is)."""
    data, problem = _object(value, "details")
    if data is None:
        return problem
    if not isinstance(data.get("status", ""), str):
        return "details.status is not text"
    if data.get("error") is not None and not isinstance(data["error"], str):
        return "details.error is not text"
    hints = data.get("hints", [])
    if not isinstance(hints, list) or not all(isinstance(h, str) for h in hints):
        return "details.hints is not a list of texts"
    checks = data.get("checks", [])
    if not isinstance(checks, list) or not all(isinstance(c, dict) for c in checks):
        return "details.checks is not a list of objects"
    if not isinstance(data.get("output", {}), dict):
        return "details.output is not an object"
    return None


def attempt_details(value: object) -> dict[str, Any]:
    """A stored attempt's details for display; {} where the row cannot be read (doctor lists such rows,
    `learn data repair` removes them), so one damaged row never breaks `learn show` or `learn today`."""
    if attempt_details_problem(value or "{}") is not None:
        return {}
    return json.loads(value or "{}")


def _time(value: object) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value) is not None
    except ValueError:
        return False


def _number(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < 1e12)


def review_state_problem(value: object) -> str | None:
    """Why `value` is not an FSRS card state as stored with a review (None: it is)."""
    data, problem = _object(value, "state")
    if data is None:
        return problem
    if missing := [key for key in STATE_KEYS if key not in data]:
        return f"state lacks {', '.join(missing)}"
    if data.get("state") not in REVIEW_STATES:
        return f"state {str(data.get('state'))[:20]!r} is not one of {', '.join(REVIEW_STATES)}"
    step = data.get("step")
    if step is not None and (not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < 1000):
        return "state.step is not a small whole number"
    if not _number(data.get("stability")) or not _number(data.get("difficulty")):
        return "state.stability or state.difficulty is not a number"
    if not _time(data.get("due")):
        return "state.due is not an ISO 8601 time"
    if data.get("last_review") is not None and not _time(data["last_review"]):
        return "state.last_review is not an ISO 8601 time"
    return None
