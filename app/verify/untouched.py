"""Is a learner's file still the stub `learn start` wrote? Then the exercise is "not started", not failed.

Only a file that still holds the stub's marker lines is compared with the stub itself (building the
stub imports the exercise's module, which a verify run's parent otherwise avoids).
"""

from __future__ import annotations

from pathlib import Path

from reference_impls.exercise import Exercise

_MARKERS = ("# TODO: your code here", "raise NotImplementedError")


def is_untouched_stub(exercise: Exercise, path: Path) -> bool:
    """True when `path` holds exactly the stub of `exercise` (trailing blanks aside)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if not all(marker in text for marker in _MARKERS):
        return False
    from app.verify import registry
    from app.verify.scaffold import stub

    return _normal(text) == _normal(stub(registry.full(exercise)))


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
