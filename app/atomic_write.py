"""Files the app writes for the learner (exports, the journal as markdown, imported tracks, settings)
are written beside their target, then renamed over it: a process killed mid-write leaves the old file
(or none), never half of one."""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import LearnError


def write_atomically(target: Path, data: str | bytes) -> None:
    """Write `data` (text as UTF-8) to `target` all at once; a one-line LearnError if it cannot."""
    partial = target.with_name(f".{target.name}.partial")  # never matched by *.yaml or *.json globs
    try:
        partial.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LearnError(f"cannot write {target}: {exc.strerror or exc}") from None
