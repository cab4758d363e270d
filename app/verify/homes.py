"""An exercise shared by several modules lives in its home module's folder only.

`learn start module-0.2` writes the exercises whose home is 0.2; the ones it shares with other
modules (softmax, whose home is 0.1) are named with their file, so one file serves every module
and no module's folder gets another's files.
"""

from __future__ import annotations

from app.module_ids import without_prefix
from reference_impls.exercise import Exercise


def split_by_home(target: str, exercises: list[Exercise]) -> tuple[list[Exercise], list[Exercise]]:
    """(exercises to write, exercises that live in another module's folder) for `learn start TARGET`.
    A target that names an exercise writes it, in its home folder."""
    wanted = target.strip().lower()
    if any(e.id == wanted for e in exercises):
        return exercises, []
    module = {wanted, without_prefix(wanted)}
    own = [e for e in exercises if e.home_module.lower() in module]
    return own, [e for e in exercises if e not in own]
