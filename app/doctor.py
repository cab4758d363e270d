"""`learn doctor`: is the learner's store sound, and what surrounds it? Like Anki's "Check Database",
but it only looks: the database is opened read-only, nothing is migrated, repaired or deleted.

Each check ends as ok, info, warning or error; an error carries the fix, and makes `learn doctor`
exit 1. Orphan rows (progress, reviews, attempts and log entries whose item, card, exercise or module
left the curriculum) are listed as such and are not a problem: they are kept on purpose, hidden, and
count again when their item comes back.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app import backup, locations
from app.errors import LearnError

WAL_WARNING_BYTES = 256 * 2**20  # a WAL this big means checkpoints are not happening


@dataclass
class Check:
    name: str
    status: str  # ok | info | warning | error
    summary: str  # one line
    fix: str | None = None

    def to_json(self) -> dict:
        return {"name": self.name, "status": self.status, "summary": self.summary, "fix": self.fix}


@dataclass
class Diagnosis:
    checks: list[Check] = field(default_factory=list)
    database: dict[str, Any] = field(default_factory=dict)
    orphans: dict[str, list[dict]] = field(default_factory=dict)
    unreadable: list[dict] = field(default_factory=list)  # rows commands cannot read (app/db/unreadable.py)
    backups: dict[str, Any] = field(default_factory=dict)
    workspace: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != "error" for c in self.checks)

    def add(self, name: str, status: str, summary: str, fix: str | None = None) -> Check:
        check = Check(name, status, summary, fix)
        self.checks.append(check)
        return check

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "checks": [c.to_json() for c in self.checks],
            "database": self.database,
            "orphans": self.orphans,
            "unreadable": self.unreadable,
            "backups": self.backups,
            "workspace": self.workspace,
            "versions": self.versions,
        }


def diagnose(*, versions: bool = True) -> Diagnosis:
    report = Diagnosis()
    db_path = locations.database_path()
    _check_home(report, db_path.parent)
    known = _known_ids(report)
    with _open_read_only(report, db_path) as conn:
        if conn is not None:
            _check_database(report, conn, db_path, known)
    _check_backups(report, db_path)
    _check_workspace(report)
    if versions:
        _check_versions(report)
    return report


# -- the folder, the file, the database --------------------------------------------------------------


def _check_home(report: Diagnosis, home: Path) -> None:
    existing = next((p for p in (home, *home.parents) if p.exists()), None)
    if existing is None or not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        report.add(
            "home",
            "error",
            f"{home} is not writable",
            "set LEARN_HOME to a writable folder (the database and its backups live there)",
        )
    else:
        report.add("home", "ok", str(home) if home.exists() else f"{home} (made on first use)")
    from app.db.disk_space import disk_is_full, free_bytes, full_disk_message, size_text

    free = free_bytes(home / "learn.db")
    if free is None:
        return
    if disk_is_full(home / "learn.db"):
        report.add(
            "disk",
            "error",
            full_disk_message(home / "learn.db"),
            "free some space on that disk; do not restore a backup: nothing is damaged",
        )
    else:
        report.add("disk", "ok", f"{size_text(free)} free")


@contextmanager
def _open_read_only(report: Diagnosis, path: Path) -> Iterator[sqlite3.Connection | None]:
    """The database opened read-only, or None (with the reason reported) where it cannot be."""
    wal = path.with_name(path.name + "-wal")
    report.database = {
        "path": str(path),
        "exists": path.exists(),
        "bytes": path.stat().st_size if path.is_file() else 0,
        "wal_bytes": wal.stat().st_size if wal.is_file() else 0,
        "schema_version": None,
        "expected_schema_version": _schema_version(),
    }
    if not path.exists():
        earlier = backup.list_backups(backup.backups_dir(path))
        if earlier:  # not a first use: a database was here (moved aside, or deleted)
            restorable = backup.latest_backup(path)
            report.add(
                "database",
                "warning",
                f"no database at {path}, but {len(earlier)} earlier one(s) in "
                f"{backup.backups_dir(path)}; the next command starts an empty one",
                f"`learn data restore {restorable}` brings back your data" if restorable else None,
            )
        else:
            report.add("database", "info", f"no database yet at {path} (made on first use)")
        yield None
        return
    if path.is_dir():
        report.add(
            "database",
            "error",
            f"{path} is a folder, not a database",
            "move it aside or set LEARN_HOME to another folder",
        )
        yield None
        return
    with path.open("rb") as fh:
        header = fh.read(16)
    if path.stat().st_size and header != backup.SQLITE_HEADER:
        report.add("database", "error", f"{path} is not an SQLite file (corrupt?)", backup.restore_hint(path))
        yield None
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 5000")
    except sqlite3.Error as exc:
        report.add("database", "error", f"cannot open {path}: {exc}", "check the file's permissions, or set LEARN_HOME")
        yield None
        return
    with closing(conn):
        yield conn


def _schema_version() -> int:
    from app.db.engine import SCHEMA_VERSION

    return SCHEMA_VERSION


def _check_database(report: Diagnosis, conn: sqlite3.Connection, path: Path, known: dict[str, set[str] | None]) -> None:
    expected = _schema_version()
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        from app.db.disk_space import disk_problem

        if (problem := disk_problem(path, exc)) is not None:
            report.add(
                "database",
                "error",
                f"cannot read {path}: {problem}",
                "free some space (or fix the disk) and run `learn doctor` again; do not restore a backup",
            )
        elif "unable to open" in str(exc) or "readonly" in str(exc):
            report.add(
                "database",
                "error",
                f"cannot read {path} ({exc}): SQLite writes learn.db-shm beside it even to read",
                "set LEARN_HOME to a writable folder",
            )
        else:
            report.add("integrity", "error", f"{path} is damaged ({exc})", backup.restore_hint(path))
        return
    report.database["schema_version"] = version
    size = report.database["bytes"] + report.database["wal_bytes"]
    report.add("database", "ok", f"{path} ({size / 2**20:.1f} MiB)")
    if integrity == ["ok"]:
        report.add("integrity", "ok", "PRAGMA integrity_check: ok")
    else:
        report.add(
            "integrity",
            "error",
            f"PRAGMA integrity_check: {integrity[0]}"
            + (f" (and {len(integrity) - 1} more)" if len(integrity) > 1 else ""),
            backup.restore_hint(path),
        )
    if foreign:
        report.add(
            "foreign keys",
            "error",
            f"PRAGMA foreign_key_check: {len(foreign)} rows point at missing rows",
            backup.restore_hint(path),
        )
    else:
        report.add("foreign keys", "ok", "PRAGMA foreign_key_check: none broken")
    if version > expected:
        report.add(
            "schema",
            "error",
            f"schema version {version}, newer than this learn understands ({expected})",
            "upgrade learn (git pull && pip install -e .)",
        )
        return
    if version == 0 and tables:
        report.add("schema", "error", "an SQLite file, but not a learn database", "set LEARN_HOME to another folder")
        return
    if version < expected:
        report.add(
            "schema", "info", f"schema version {version}; upgraded to {expected} by the next command (a backup first)"
        )
    else:
        report.add("schema", "ok", f"schema version {version}")
    wal = report.database["wal_bytes"]
    if wal > WAL_WARNING_BYTES:
        report.add(
            "wal",
            "warning",
            f"the write-ahead log is {wal / 2**20:.0f} MiB",
            "close every other learn (the TUI): the log is folded back into the database when none reads it",
        )
    else:
        report.add("wal", "ok", f"write-ahead log {wal / 1024:.0f} KiB")
    if integrity == ["ok"]:
        _check_orphans(report, conn, tables, known)
        _check_readable(report, conn, tables)
        _check_objects(report, conn)


def _check_readable(report: Diagnosis, conn: sqlite3.Connection, tables: set[str]) -> None:
    from app.db.unreadable import unreadable_rows

    rows = unreadable_rows(conn.execute, tables)
    report.unreadable = [row.to_json() for row in rows]
    if rows:
        first = rows[0]
        report.add(
            "rows",
            "error",
            f"{len(rows)} rows that commands cannot read, e.g. {first.table} {first.key}: {first.reason}",
            "`learn data repair` deletes them (after a backup of the database)",
        )
    else:
        report.add("rows", "ok", "every progress row, review and attempt reads back")


def _check_objects(report: Diagnosis, conn: sqlite3.Connection) -> None:
    from app.db.schema_objects import describe, foreign_objects

    foreign = foreign_objects(conn.execute)
    if foreign:
        report.add(
            "schema objects",
            "error",
            f"{describe(foreign)}: not made by learn",
            "`learn data repair` drops them (after a backup of the database)",
        )
    else:
        report.add("schema objects", "ok", "only the tables, indexes and triggers learn makes")


# -- what the learner's rows point at ----------------------------------------------------------------


def _known_ids(report: Diagnosis) -> dict[str, set[str] | None]:
    """Item, module, card and exercise ids as the YAML and reference_impls have them now (None: unknown)."""
    known: dict[str, set[str] | None] = {"items": None, "modules": None, "cards": None, "exercises": None}
    from app.curriculum.load import load_curriculum, walk_items

    folder = locations.curriculum_dir()
    try:
        tracks = load_curriculum(folder)
    except LearnError as exc:
        first = f": {exc.details[0]}" if exc.details else ""
        report.add(
            "curriculum",
            "error",
            f"{exc.message.split(';')[0]}{first}",
            "fix the YAML; `learn sync` lists every problem with file:line",
        )
    else:
        modules = [m for t in tracks for c in t.track.categories for m in c.modules]
        known["modules"] = {m.id for m in modules}
        known["items"] = {i.id for m in modules for s in m.sections for i, _, _ in walk_items(s.items)}
        report.add(
            "curriculum", "ok", f"{len(tracks)} tracks, {len(modules)} modules, {len(known['items'])} items in {folder}"
        )
    if known["items"] is not None:
        from app.drill.load import load_decks

        try:
            decks = load_decks(locations.drills_dir(), known["items"])
        except LearnError as exc:
            first = f": {exc.details[0]}" if exc.details else ""
            report.add(
                "decks",
                "error",
                f"{exc.message.split(';')[0]}{first}",
                "fix the deck YAML; `learn drill list` lists every problem with file:line",
            )
        else:
            known["cards"] = {card.id for d in decks for card in d.deck.cards}
            report.add("decks", "ok", f"{len(decks)} decks, {len(known['cards'])} cards")
    try:
        from app.verify import registry

        known["exercises"] = {e.id for e in registry.exercises()}
    except Exception as exc:  # noqa: BLE001 - a broken reference_impls is reported, not raised
        report.add(
            "exercises",
            "warning",
            f"reference_impls does not load: {type(exc).__name__}: {exc}",
            "run `python -m pytest tests/test_verify_registry.py` to see what broke",
        )
    return known


_ORPHAN_QUERIES = {
    # kind: (table, the id column, what it must be found in, the query listing the rows)
    "progress": ("progress", "item_id", "items", "SELECT item_id, status, updated_at FROM progress ORDER BY item_id"),
    "drill_review": (
        "drill_review",
        "card_id",
        "cards",
        "SELECT card_id, COUNT(*) AS reviews, MAX(reviewed_at) AS last FROM drill_review GROUP BY card_id ORDER BY card_id",
    ),
    "verify_attempt": (
        "verify_attempt",
        "exercise_id",
        "exercises",
        "SELECT exercise_id, COUNT(*) AS attempts, MAX(started_at) AS last FROM verify_attempt "
        "GROUP BY exercise_id ORDER BY exercise_id",
    ),
    "log_entry": (
        "log_entry",
        "module_id",
        "modules",
        "SELECT id, date, module_id FROM log_entry WHERE module_id IS NOT NULL ORDER BY date, id",
    ),
}
_ORPHAN_WORDS = {
    "progress": "progress rows of items",
    "drill_review": "cards with reviews",
    "verify_attempt": "exercises with attempts",
    "log_entry": "log entries of modules",
}


def _check_orphans(
    report: Diagnosis, conn: sqlite3.Connection, tables: set[str], known: dict[str, set[str] | None]
) -> None:
    parts = []
    for kind, (table, column, ids, query) in _ORPHAN_QUERIES.items():
        if table not in tables or known[ids] is None:
            continue
        conn.row_factory = sqlite3.Row
        rows = [dict(row) for row in conn.execute(query) if row[column] not in known[ids]]
        conn.row_factory = None
        report.orphans[kind] = rows
        if rows:
            parts.append(f"{len(rows)} {_ORPHAN_WORDS[kind]}")
    if parts:
        report.add(
            "orphans",
            "info",
            f"{', '.join(parts)} no longer in the curriculum, decks or exercises: kept, "
            "hidden, and back when they return (`learn doctor --json` lists them)",
        )
    else:
        report.add("orphans", "ok", "every progress row, review, attempt and log entry points at something present")


# -- around the database -----------------------------------------------------------------------------


def _check_backups(report: Diagnosis, db_path: Path) -> None:
    folder = backup.backups_dir(db_path)
    found = backup.list_backups(folder)
    try:
        keep = backup.keep_count()
    except LearnError as exc:
        keep = backup.DEFAULT_KEEP
        report.add("backups", "error", exc.message, f"unset {backup.KEEP_ENV} or set it to a number such as 10")
    report.backups = {
        "folder": str(folder),
        "count": len(found),
        "keep": keep,
        "newest": found[0].to_json() if found else None,
        "files": [b.to_json() for b in found],
    }
    if any(c.name == "backups" for c in report.checks):
        return
    if found:
        newest = found[0]
        report.add("backups", "ok", f"{len(found)} in {folder} (keeping {keep}); newest {newest.path.name}")
    else:
        report.add(
            "backups",
            "info",
            f"none yet in {folder}: the first command of each day makes one, `learn data backup` one now",
        )


def _check_workspace(report: Diagnosis) -> None:
    folder = locations.workspace_dir()
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.py")) if folder.is_dir() else []
    report.workspace = {"path": str(folder), "exists": folder.is_dir(), "files": len(files)}
    if folder.is_dir():
        report.add("workspace", "ok", f"{folder}: {len(files)} exercise files")
    else:
        report.add("workspace", "info", f"{folder} does not exist yet: `learn start MODULE` writes the exercise files")


def _check_versions(report: Diagnosis) -> None:
    from importlib import metadata

    versions: dict[str, Any] = {
        "python": platform.python_version(),
        "executable": sys.executable,
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    try:
        versions["learn"] = metadata.version("learn")
    except metadata.PackageNotFoundError:
        versions["learn"] = None
    try:
        import torch

        versions["torch"] = torch.__version__
        versions["cuda"] = torch.version.cuda
        versions["cuda_available"] = bool(torch.cuda.is_available())
        versions["device"] = torch.cuda.get_device_name(0) if versions["cuda_available"] else None
    except Exception as exc:  # noqa: BLE001 - ImportError, or a broken CUDA install
        versions.update(torch=None, cuda=None, cuda_available=False, device=None)
        report.add(
            "torch",
            "warning",
            f"PyTorch does not import ({type(exc).__name__}: {exc})",
            "pip install torch (the PyTorch exercises, drills and kernels need it)",
        )
    try:
        import triton

        versions["triton"] = triton.__version__
    except Exception:  # noqa: BLE001 - not on macOS / Windows, or not installed
        versions["triton"] = None
    report.versions = versions
    gpu = (
        f"CUDA {versions['cuda']}, {versions['device']}"
        if versions.get("cuda_available")
        else "no GPU (kernels run in Triton's interpreter)"
    )
    report.add(
        "versions",
        "ok",
        f"Python {versions['python']}, SQLite {versions['sqlite']}, torch {versions['torch']}, "
        f"triton {versions['triton']}, {gpu}",
    )
