"""`learn verify --watch`: re-run the exercises whose files changed, on every save.

The loop takes its changes as an iterable of path sets, so tests drive it with a list; the real
stream is `file_changes`, watchfiles' `watch` (Rust notify, debounced: a burst of saves within
DEBOUNCE_MS is one change) filtered to .py files. A change to a file that is not an exercise's (a
helper module beside them) re-runs every watched exercise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from reference_impls.exercise import Exercise

DEBOUNCE_MS = 300


def file_changes(folders: list[Path], stop_event=None) -> Iterator[set[Path]]:
    """Sets of changed .py files under `folders`, debounced (blocks; Ctrl-C raises KeyboardInterrupt)."""
    from watchfiles import watch

    for changes in watch(
        *folders,
        debounce=DEBOUNCE_MS,
        step=100,
        stop_event=stop_event,
        raise_interrupt=True,
        watch_filter=lambda _change, path: path.endswith(".py"),
    ):
        yield {Path(path).resolve() for _, path in changes}


def affected(changed: set[Path], files: dict[Path, Exercise]) -> list[Exercise]:
    """The exercises to re-run for a set of changed files, in their original order."""
    hit = [exercise for path, exercise in files.items() if path in changed]
    return hit or list(files.values())


def _content(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def watch_loop(
    files: dict[Path, Exercise],
    run: Callable[[list[Exercise]], object],
    changes: Iterable[set[Path]],
    content: Callable[[Path], bytes | None] = _content,
) -> int:
    """Run everything once, then again per change; returns how many runs happened.

    A change that leaves every changed file's content as it was (a touch, an editor's double write)
    runs nothing.
    """
    files = {path.resolve(): exercise for path, exercise in files.items()}
    last = {path: content(path) for path in files}
    run(list(files.values()))
    runs = 1
    for changed in changes:
        changed = {p.resolve() for p in changed}
        fresh = {path: content(path) for path in changed}
        if not changed or all(path in last and last[path] == data for path, data in fresh.items()):
            last.update(fresh)
            continue
        last.update(fresh)
        run(affected(changed, files))
        runs += 1
    return runs
