"""The registry: every module in this package that defines `EXERCISE` (or `EXERCISES`) is an exercise.

Dropping a file here is enough; nothing to list. Modules whose name starts with "_" are skipped.
Discovery imports every exercise module, so they import only numpy and reference_impls at top level.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from reference_impls.exercise import Exercise, SpecError


@cache
def registry() -> dict[str, tuple[str, Exercise]]:
    """exercise id -> (module name, Exercise), in module-name order; SpecError on duplicate ids."""
    found: dict[str, tuple[str, Exercise]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        name = f"{__name__}.{info.name}"
        for exercise in exercises_of(importlib.import_module(name)):
            if exercise.id in found:
                raise SpecError(f"exercise id '{exercise.id}' is defined in {found[exercise.id][0]} and {name}")
            exercise.validate()
            found[exercise.id] = (name, exercise)
    return found


def exercises_of(module) -> list[Exercise]:
    listed = list(getattr(module, "EXERCISES", ()))
    single = getattr(module, "EXERCISE", None)
    if single is not None:
        listed.insert(0, single)
    for exercise in listed:
        if not isinstance(exercise, Exercise):
            raise SpecError(f"{module.__name__}: EXERCISE(S) must hold Exercise objects, got {type(exercise).__name__}")
    return listed


def all_exercises() -> list[Exercise]:
    return [exercise for _, exercise in registry().values()]


def get(exercise_id: str) -> Exercise:
    return registry()[exercise_id][1]


def load(module_name: str, exercise_id: str) -> Exercise:
    """One exercise by its module, without importing the others (what the child process does)."""
    for exercise in exercises_of(importlib.import_module(module_name)):
        if exercise.id == exercise_id:
            return exercise
    raise SpecError(f"{module_name} defines no exercise '{exercise_id}'")
