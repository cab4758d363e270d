"""Exercises as the app sees them: lookup by id or module, the learner's file, the wrong solutions.

Listing, finding and running exercises works on their catalog entries (ExerciseInfo, from
reference_impls/catalog.toml): no exercise module is imported, numpy neither. `full()` gives the
exercise with its entry points and checks (`learn start`'s stubs); a verify child loads its own.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from app import locations
from app.errors import LearnError, UnknownIdError
from app.locations import REFERENCE_ROOT, display_path  # noqa: F401 - display_path: part of this module's API
from app.module_ids import module_label, without_prefix  # module_label: part of this module's API too
from reference_impls.exercise import Exercise, ExerciseInfo


def listings() -> list[ExerciseInfo]:
    """Every exercise's catalog entry (id, title, module, items, needs, limits, file), in the catalog's order."""
    from reference_impls.catalog import infos

    return list(infos().values())


def exercises() -> list[Exercise]:
    """Every exercise with its checks: imports every exercise module (numpy with them)."""
    from reference_impls.exercises import all_exercises

    return list(all_exercises())


def full(exercise: ExerciseInfo) -> Exercise:
    """The exercise itself, for a catalog entry (its module alone is imported)."""
    if isinstance(exercise, Exercise):
        return exercise
    from reference_impls.exercises import load

    return load(exercise.source_module, exercise.id)


def module_name(exercise: ExerciseInfo) -> str:
    """The dotted module that defines the exercise (the child imports only that one)."""
    return exercise.source_module


def item_module(item_id: str) -> str:
    return item_id.split("/", 1)[0]


def modules_of(exercise: ExerciseInfo) -> list[str]:
    """Its home module first, then the modules of its items."""
    return list(dict.fromkeys([exercise.home_module, *(item_module(i) for i in exercise.items)]))


def for_module(module_id: str) -> list[ExerciseInfo]:
    return [e for e in listings() if module_id in modules_of(e)]


def exercises_by_item(listed: list[ExerciseInfo] | None = None) -> dict[str, list[str]]:
    """Each curriculum item an exercise ticks -> the ids of the exercises that tick it, in the catalog's
    order (an item is ticked once all of them have passed: app.verify.attempts.tick_items)."""
    found: dict[str, list[str]] = {}
    for exercise in listings() if listed is None else listed:
        for item in exercise.items:
            found.setdefault(item, []).append(exercise.id)
    return found


def find(
    target: str, known_modules: list[str] | None = None, *, among: list[ExerciseInfo] | None = None
) -> list[ExerciseInfo]:
    """The exercises named by `target`: an exercise id, or a module id ("module-0.2", "0.2", "iv-deliverables").

    `known_modules` (the curriculum's module ids) tells "no such module" from "no exercises yet".
    `among`: where to look (default: every exercise's catalog entry).
    """
    everything = listings() if among is None else among
    wanted = target.strip()
    by_id = {e.id: e for e in everything}
    if wanted.lower() in by_id:
        return [by_id[wanted.lower()]]
    module = without_prefix(wanted)
    modules = {m: [] for e in everything for m in modules_of(e)}
    for exercise in everything:
        for m in modules_of(exercise):
            modules[m].append(exercise)
    for candidate in (wanted, module):
        for module_id, listed in modules.items():
            if module_id.lower() == candidate.lower():
                return listed
    for module_id in known_modules or []:
        if module_id.lower() in (wanted.lower(), module.lower()):
            with_exercises = ", ".join(module_label(m) for m in modules)
            raise LearnError(
                f"module {module_label(module_id)} has no exercises yet; modules with exercises: {with_exercises}"
            )
    candidates = [*by_id, *(module_label(m) for m in modules), *modules]
    raise UnknownIdError("exercise or module", wanted, candidates)


def learner_file(exercise: ExerciseInfo) -> Path:
    return locations.workspace_dir() / exercise.file


@dataclass(frozen=True)
class WrongSolution:
    exercise_id: str
    path: Path
    expected_hint: str | None  # a substring of a hint the report must show
    # Why only Triton's interpreter catches it (an unmasked access that on a GPU lands in the caching
    # allocator's slack and goes unseen): INTERPRETER_ONLY = "..." in the file; None for the others.
    interpreter_only: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem


def wrong_solutions(exercise: ExerciseInfo) -> list[WrongSolution]:
    """reference_impls/wrong/<exercise id>/*.py, each with EXPECTED_HINT (and INTERPRETER_ONLY) read without importing it."""
    folder = REFERENCE_ROOT / "wrong" / exercise.id
    found = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        if path.name.startswith("_"):
            continue
        constants = _string_constants(path)
        found.append(
            WrongSolution(exercise.id, path, constants.get("EXPECTED_HINT"), constants.get("INTERPRETER_ONLY"))
        )
    return found


def _string_constants(path: Path) -> dict[str, str]:
    """The module-level `NAME = "string"` assignments of a file, read without importing it."""
    found = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found
