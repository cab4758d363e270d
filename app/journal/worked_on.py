"""The module the learner worked on last: what `learn log add` files an entry under by default.

The last item ticked or started says it, with one correction: the items a passing `learn verify`
ticked count for the exercise's home module, where the learner wrote the code. Verifying softmax
(home 0.1, in the plan being followed) also ticks an interview checklist item
(iv-deliverables/...); the learner did not switch to the interview plan, so the entry goes under
0.1. A verify run is work on its home module too, passed or not.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

TICK_SLACK_S = 5  # a verify's ticks land just after its run ends

_LAST_PROGRESS = """
SELECT p.item_id, i.module_id, julianday(p.updated_at) AS at FROM progress p JOIN item i ON i.id = p.item_id
 ORDER BY p.updated_at DESC, i.position DESC LIMIT 1
"""
_LAST_ATTEMPT = """
SELECT a.exercise_id, a.module_id, a.passed, julianday(a.started_at) AS at,
       julianday(a.started_at) + (a.duration_ms / 1000.0 + :slack) / 86400.0 AS ticks_until
  FROM verify_attempt a JOIN module m ON m.id = a.module_id
 ORDER BY a.started_at DESC LIMIT 1
"""


def last_worked_module(engine: Engine) -> str | None:
    with engine.connect() as conn:
        progress = conn.execute(text(_LAST_PROGRESS)).first()
        attempt = conn.execute(text(_LAST_ATTEMPT), {"slack": TICK_SLACK_S}).first()
        conn.rollback()
    if attempt is None or (progress is not None and progress.at > attempt.ticks_until):
        return progress.module_id if progress else None
    if (
        progress is None
        or progress.at < attempt.at
        or (attempt.passed and _ticked_by(attempt.exercise_id, progress.item_id))
    ):
        return attempt.module_id
    return progress.module_id  # ticked by hand while the run went on


def _ticked_by(exercise_id: str, item_id: str) -> bool:
    from app.verify import registry

    return any(e.id == exercise_id and item_id in e.items for e in registry.listings())
