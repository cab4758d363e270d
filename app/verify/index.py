"""The exercises' index: what `learn verify` needs to find and run exercises, without importing them all.

Listing the exercises imports every module of reference_impls/exercises (numpy with them): ~2 ms
each, a quarter of a second for a hundred, and more with every exercise added, before the first
child can start. The parent of a verify run only needs each exercise's id, module, title, items,
needs and limits (the children import the one exercise they run), so these are kept in
LEARN_HOME/cache/exercises.json, keyed by a stat() signature of the exercise modules and the spec;
an index that is missing, unreadable or stale is rebuilt from the registry and rewritten atomically.

The exercises it gives are "listings": Exercise objects with those fields and no entry points,
checks or probes. `registry.full()` turns one into the real thing (for `learn start`'s scaffolds).
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import cache
from pathlib import Path

from app import locations
from reference_impls.exercise import Exercise

EXERCISES_DIR = locations.REPO_ROOT / "reference_impls" / "exercises"
SPEC = locations.REPO_ROOT / "reference_impls" / "exercise.py"
FIELDS = ("title", "reference", "oracle", "module", "time_limit_s", "memory_limit_mb")
TUPLES = ("items", "needs")


def signature() -> str:
    """Changes whenever an exercise module (helpers included) or the spec is added, removed or written."""
    parts = [str(EXERCISES_DIR)]
    for path in sorted([*EXERCISES_DIR.glob("*.py"), SPEC]):
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def listings() -> list[Exercise]:
    """Every exercise as a listing, in the registry's order."""
    return list(_listings(signature()).values())


def module_of(exercise_id: str) -> str:
    """The dotted module that defines the exercise."""
    return _modules(signature())[exercise_id]


@cache
def _listings(sig: str) -> dict[str, Exercise]:
    return {
        entry["id"]: Exercise(
            id=entry["id"], entry_points=(), checks=(), **{k: entry[k] for k in FIELDS},
            **{k: tuple(entry[k]) for k in TUPLES},
        )
        for entry in _entries(sig)
    }


@cache
def _modules(sig: str) -> dict[str, str]:
    return {entry["id"]: entry["module_name"] for entry in _entries(sig)}


@cache
def _entries(sig: str) -> list[dict]:
    path = locations.learn_home() / "cache" / "exercises.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
        if cached.get("signature") == sig:
            return cached["exercises"]
    except (OSError, ValueError, AttributeError, KeyError):
        pass  # missing, unreadable or from another version: rebuilt below
    entries = _build()
    _write(path, {"signature": sig, "exercises": entries})
    return entries


def _build() -> list[dict]:
    from reference_impls.exercises import registry

    return [
        {"id": e.id, "module_name": module, **{k: getattr(e, k) for k in FIELDS}, **{k: list(getattr(e, k)) for k in TUPLES}}
        for module, e in registry().values()
    ]


def _write(path: Path, data: dict) -> None:
    """Atomically, and never an error: without a writable LEARN_HOME the next run rebuilds it again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".exercises-", suffix=".json")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
