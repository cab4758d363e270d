"""An item's exercises with their last results, for `learn show` and the module screen.

Which exercises tick an item comes from the catalog (`ItemView.exercises`, filled by app.module_view
from app.verify.registry.exercises_by_item); their last attempts from `module_exercises`.
"""

from __future__ import annotations


def result(last: dict | None) -> str:
    """ "passed", "failed" or "not run": an exercise's last attempt (None: never run), in a word."""
    if last is None:
        return "not run"
    return "passed" if last["passed"] else "failed"


def item_results(exercise_ids: list[str], exercises: list[dict]) -> list[tuple[str, str, dict | None]]:
    """(exercise id, result, last attempt) for each exercise that ticks the item; `exercises` are the
    module's, with their last attempts (module_exercises: {"id", "last", ...}). One not listed there
    (the exercises could not be read) counts as not run."""
    last = {e["id"]: e.get("last") for e in exercises}
    return [(exercise_id, result(last.get(exercise_id)), last.get(exercise_id)) for exercise_id in exercise_ids]
