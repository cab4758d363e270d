"""The exercises' catalog (reference_impls/catalog.toml): what lists each exercise, as data.

Listing the exercises (`learn verify --all`, `learn show`, the TUI) reads this one file and imports no
exercise module (numpy neither); an exercise module takes its entry from here (`info("softmax")`) and
adds the checks. Every process parses it once (a few ms; the verify fork server does it before forking).
"""

from __future__ import annotations

import tomllib
from functools import cache

from app.locations import REFERENCE_ROOT
from reference_impls.exercise import ID_PATTERN, ExerciseInfo, SpecError

CATALOG = REFERENCE_ROOT / "catalog.toml"

_TYPES = {
    "title": str,
    "items": list,
    "reference": str,
    "needs": list,
    "module": str,
    "time_limit_s": (int, float),
    "memory_limit_mb": int,
    "oracle": str,
    "source": str,
}
_REQUIRED = ("title", "items", "reference")


@cache
def infos() -> dict[str, ExerciseInfo]:
    """Every exercise by id, in the catalog's order; SpecError names the entry that breaks the format."""
    try:
        with CATALOG.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{CATALOG}: {exc}") from None
    return {exercise_id: _info(exercise_id, entry) for exercise_id, entry in data.items()}


def info(exercise_id: str) -> ExerciseInfo:
    """One exercise's entry (what its module passes to Exercise.of)."""
    try:
        return infos()[exercise_id]
    except KeyError:
        raise SpecError(f"{CATALOG}: no exercise [{exercise_id}]; add its entry there") from None


def _info(exercise_id: str, entry: object) -> ExerciseInfo:
    where = f"{CATALOG.name} [{exercise_id}]"
    if not ID_PATTERN.match(exercise_id):
        raise SpecError(f"{where}: exercise id '{exercise_id}' must be snake_case ([a-z][a-z0-9_]*)")
    if not isinstance(entry, dict):
        raise SpecError(f"{where}: must be a table of fields")
    unknown = set(entry) - set(_TYPES)
    if unknown:
        raise SpecError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}; known: {', '.join(_TYPES)}")
    missing = [name for name in _REQUIRED if name not in entry]
    if missing:
        raise SpecError(f"{where}: missing {', '.join(missing)}")
    for name, value in entry.items():
        if not isinstance(value, _TYPES[name]) or isinstance(value, bool):
            raise SpecError(f"{where}: {name} must be a {_type_name(_TYPES[name])}, not {value!r}")
        if isinstance(value, list) and not (value and all(isinstance(v, str) for v in value)):
            raise SpecError(f"{where}: {name} must be a non-empty list of strings")
    return ExerciseInfo(id=exercise_id, **{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()})


def _type_name(kind) -> str:
    return "number" if isinstance(kind, tuple) else {str: "string", list: "list", int: "integer"}[kind]
