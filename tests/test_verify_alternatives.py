"""Correct solutions in the styles learners copy (nanoGPT, Hugging Face, Meta's Llama, Karpathy's video,
SciPy) must pass their exercise: a checker that rejects them teaches the learner a false mistake.

reference_impls/alternatives/<exercise id>/<style>.py, each run as a learner's file; all the alternatives
of one exercise run in one batch of child processes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs

ROOT = Path(__file__).resolve().parents[1] / "reference_impls" / "alternatives"
EXERCISES = {e.id: e for e in registry.exercises()}
ALTERNATIVES = sorted((p.parent.name, p.name) for p in ROOT.glob("*/*.py") if not p.name.startswith("_"))


@cache
def _reports(exercise_id: str) -> dict:
    names = [name for eid, name in ALTERNATIVES if eid == exercise_id]
    jobs = [Job(EXERCISES[exercise_id], str(ROOT / exercise_id / name)) for name in names]
    return dict(zip(names, run_jobs(jobs), strict=True))


def test_there_are_alternatives_in_every_folder():
    assert ALTERNATIVES
    for folder in ROOT.iterdir():
        if folder.is_dir() and not folder.name.startswith(("_", ".")):
            assert folder.name in EXERCISES, f"reference_impls/alternatives/{folder.name}: no such exercise"
            assert any(folder.glob("*.py")), f"reference_impls/alternatives/{folder.name}: empty"


@pytest.mark.parametrize("exercise_id, name", ALTERNATIVES)
def test_alternative_passes(exercise_id, name):
    report = _reports(exercise_id)[name]
    failing = [f"{c.label} [{c.detail}]: {c.message}" for c in report.failures[:5]]
    assert report.passed, (
        f"{exercise_id}/{name}: {report.status}, {report.error}\n  "
        + "\n  ".join(failing)
        + f"\n  hints: {report.hints}"
    )
