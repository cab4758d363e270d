"""The exercises with their checks: each module here defines the exercises the catalog
(reference_impls/catalog.toml) names it the `source` of, as `EXERCISE = Exercise.of(info("<id>"), ...)`
(or a list, `EXERCISES`). Modules whose name starts with "_" are helpers.

Listing the exercises needs none of this (reference_impls/catalog.py); a verify child imports only the
module of the exercise it runs (`load`); `all_exercises` imports every one (the registry's tests, the
README table).
"""

from __future__ import annotations

import importlib
from functools import cache

from reference_impls.catalog import infos
from reference_impls.exercise import Exercise, SpecError


@cache
def all_exercises() -> list[Exercise]:
    """Every exercise of the catalog, with its checks, in the catalog's order (validated)."""
    found = []
    for info in infos().values():
        exercise = load(info.source_module, info.id)
        exercise.validate()
        found.append(exercise)
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


def load(module_name: str, exercise_id: str) -> Exercise:
    """One exercise by its module, without importing the others (what the child process does)."""
    for exercise in exercises_of(importlib.import_module(module_name)):
        if exercise.id == exercise_id:
            if exercise.source_module != module_name:
                raise SpecError(
                    f"{module_name} defines '{exercise_id}', which the catalog puts in {exercise.source_module}"
                )
            return exercise
    raise SpecError(f"{module_name} defines no exercise '{exercise_id}' (the catalog says it does)")
