"""The seed of a run: fresh cases (reference_impls.exercise.grid(..., fresh=N)) are drawn from it.

A new one each run, so that every run tries shapes and inputs no run tried before; `learn verify
--seed N` (or LEARN_VERIFY_SEED=N, which the test suite sets) replays one. The report names it beside
a failing fresh case: "seed 48213: re-run with `learn verify layer_norm --seed 48213`".
"""

from __future__ import annotations

import os
import secrets

ENV = "LEARN_VERIFY_SEED"
LIMIT = 100_000  # five digits: easy to read out and type back


def run_seed() -> int:
    """LEARN_VERIFY_SEED when set (a replay, or the tests), else a new random seed."""
    fixed = os.environ.get(ENV, "").strip()
    if fixed:
        try:
            return int(fixed)
        except ValueError:
            pass
    return secrets.randbelow(LIMIT)


def replay(exercise_id: str, seed: int) -> str:
    return f"seed {seed}: re-run with `learn verify {exercise_id} --seed {seed}`"
