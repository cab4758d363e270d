"""Hints that apply, and only those: every hint on a known-wrong solution's failing cases names its mistake.

Runs every wrong solution in reference_impls/wrong/ (however many there are: the catalog and the
folders are walked, nothing is listed here). A hint applies when it contains the file's EXPECTED_HINT
or one of the substrings of its optional `ALSO_APPLIES = ("...", ...)` (another true statement about
the same mistake: a generic diagnosis, a second probe). Two figures, printed: precision (no failing
case shows a hint that does not apply) must be total; coverage (failing cases that carry a hint that
applies) must reach COVERAGE_GOAL across all wrong solutions.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from app.verify import registry
from app.verify.runner import Job, run_jobs

COVERAGE_GOAL = 0.90


@dataclass(frozen=True)
class Outcome:
    exercise: str
    wrong: str
    applies: tuple[str, ...]  # EXPECTED_HINT and ALSO_APPLIES
    failing: int  # failing case reports (failed or raised)
    covered: int  # ... that carry a hint that applies
    stray: tuple[tuple[str, str], ...]  # (case label, hint) for hints that do not apply
    skipped: str = ""


def also_applies(path: Path) -> tuple[str, ...]:
    """The module-level ALSO_APPLIES tuple of strings, read without importing the file."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ALSO_APPLIES" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple | list) and all(isinstance(v, str) for v in value), (
                f"{path}: ALSO_APPLIES must be a tuple of strings"
            )
            return tuple(value)
    return ()


def _kernels_compiled() -> bool:
    import os

    import torch

    return torch.cuda.is_available() and os.environ.get("TRITON_INTERPRET", "0") in ("", "0")


@cache
def outcomes() -> tuple[Outcome, ...]:
    jobs, solutions = [], []
    compiled = None
    for exercise in registry.exercises():
        for wrong in registry.wrong_solutions(exercise):
            if wrong.interpreter_only:
                compiled = _kernels_compiled() if compiled is None else compiled
                if compiled:
                    continue
            jobs.append(Job(exercise, str(wrong.path), "wrong"))
            solutions.append(wrong)
    found = []
    for wrong, report in zip(solutions, run_jobs(jobs), strict=True):
        applies = tuple(filter(None, (wrong.expected_hint, *also_applies(wrong.path))))
        failing = [c for c in report.checks if not c.passed and c.status in ("failed", "error")]
        covered = sum(1 for c in failing if any(_fits(h, applies) for h in c.hints))
        stray = tuple((c.label, h) for c in failing for h in c.hints if not _fits(h, applies))
        found.append(Outcome(wrong.exercise_id, wrong.name, applies, len(failing), covered, stray))
    return tuple(found)


def _fits(hint: str, applies: tuple[str, ...]) -> bool:
    return any(a in hint for a in applies)


def figures(found: tuple[Outcome, ...]) -> tuple[int, int, int]:
    """(failing case reports, those with a hint that applies, those with a hint that does not)."""
    failing = sum(o.failing for o in found)
    covered = sum(o.covered for o in found)
    stray = sum(len({label for label, _ in o.stray}) for o in found)
    return failing, covered, stray


def test_every_hint_on_a_wrong_solution_applies_to_its_mistake():
    found = outcomes()
    failing, covered, stray = figures(found)
    print(f"\nhint precision: {failing - stray} of {failing} failing case reports show only hints that apply")
    problems = [
        f"{o.exercise}/{o.wrong}: {label}: {hint[:140]!r} (applies: {o.applies})"
        for o in found
        for label, hint in o.stray[:3]
    ]
    assert not problems, "hints that do not apply:\n" + "\n".join(problems)


def test_most_failing_cases_of_wrong_solutions_carry_a_hint_that_applies():
    found = outcomes()
    failing, covered, _ = figures(found)
    share = covered / failing if failing else 1.0
    print(f"\nhint coverage: {covered} of {failing} failing case reports ({share:.1%}) carry a hint that applies")
    worst = sorted((o for o in found if o.failing), key=lambda o: o.covered / o.failing)[:10]
    detail = "\n".join(f"{o.exercise}/{o.wrong}: {o.covered} of {o.failing}" for o in worst)
    assert share >= COVERAGE_GOAL, f"coverage {share:.1%} < {COVERAGE_GOAL:.0%}; the least covered:\n{detail}"


@pytest.mark.parametrize("text", ['ALSO_APPLIES = ("x", "y")\n', "ALSO_APPLIES = ()\n", "X = 1\n"])
def test_also_applies_is_read_without_importing(tmp_path, text):
    path = tmp_path / "w.py"
    path.write_text("import nonexistent_module\n" + text, encoding="utf-8")
    assert also_applies(path) == (("x", "y") if "x" in text else ())
