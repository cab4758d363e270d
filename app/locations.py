"""Every path the app uses, each overridable by an environment variable (tests set them all)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_ROOT = REPO_ROOT / "reference_impls"  # the references, the exercises and their catalog


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def curriculum_files(folder: Path) -> list[Path]:
    """The track files of a curriculum folder, in a stable order."""
    return sorted(p for p in folder.glob("*.yaml") if p.is_file() and not p.name.startswith("."))


def files_signature(folder: Path, *extra: str) -> str:
    """Cheap (a stat per file) and changes whenever a YAML file of `folder` is added, removed or
    written: stored after a sync, compared before the next one to skip it."""
    parts = [str(folder.resolve()), *extra]
    for path in curriculum_files(folder) if folder.is_dir() else []:
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def display_path(path: Path) -> str:
    """A path as the learner would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def learn_home() -> Path:
    """Folder of the database and backups: $LEARN_HOME, else the platform's user data dir."""
    home = _env_path("LEARN_HOME")
    if home is None:
        from platformdirs import user_data_dir

        home = Path(user_data_dir("learn", appauthor=False))
    return home


def database_path() -> Path:
    return learn_home() / "learn.db"


def curriculum_dir() -> Path:
    """Folder of the curriculum YAML: $LEARN_CURRICULUM, else the repo's curriculum/."""
    return _env_path("LEARN_CURRICULUM") or REPO_ROOT / "curriculum"


def workspace_dir() -> Path:
    """The learner's own code: $LEARN_WORKSPACE, else the repo's workspace/."""
    return _env_path("LEARN_WORKSPACE") or REPO_ROOT / "workspace"


def drills_dir() -> Path:
    """Folder of the drill decks: $LEARN_DRILLS, else the repo's drills/."""
    return _env_path("LEARN_DRILLS") or REPO_ROOT / "drills"
