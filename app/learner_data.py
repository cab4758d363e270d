"""Export and import all of the learner's own data as JSON, to move machines or keep a backup.

The format (version 1)::

    {
      "format": "learn-data",
      "version": 1,
      "exported_at": "2026-11-23T15:00:00Z",
      "progress": [
        {"item_id": "0.1/pca", "status": "done", "updated_at": "2026-11-20T09:12:00Z",
         "completed_at": "2026-11-20T09:12:00Z"}
      ]
    }

`progress` holds every progress row, including those of items no longer in the curriculum. Importing
merges by item id: a row is taken when the database has none for that item or an older one
(`updated_at`), so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.errors import LearnError
from app.progress import as_utc_iso, upsert_progress, utc_now

FORMAT = "learn-data"
VERSION = 1


class ProgressRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item_id: str
    status: Literal["todo", "in_progress", "done"]
    updated_at: str
    completed_at: str | None = None

    @field_validator("updated_at", "completed_at")
    @classmethod
    def _utc(cls, value: str | None) -> str | None:
        return None if value is None else as_utc_iso(value)


class LearnerData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format: Literal["learn-data"]
    version: Literal[1]
    exported_at: str
    progress: list[ProgressRecord] = []


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def export_data(engine: Engine) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT item_id, status, updated_at, completed_at FROM progress ORDER BY item_id")
        ).mappings().all()
        conn.rollback()
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utc_now(),
        "progress": [dict(row) for row in rows],
    }


def read_data_file(path: Path) -> LearnerData:
    """Parse and validate an export file; a one-line LearnError naming the file and place if bad."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LearnError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LearnError(f"{path}: not UTF-8 text; expected a `learn data export` JSON file") from None
    except json.JSONDecodeError as exc:
        raise LearnError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    try:
        return LearnerData.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise LearnError(f"{path}: {where}: {first['msg']}{more}; expected a `learn data export` file") from None


def import_data(engine: Engine, data: LearnerData) -> ImportResult:
    """Merge `data` into the database in one transaction: newer rows win, equal rows are left alone."""
    added = updated = unchanged = 0
    with write_connection(engine) as conn:
        current = dict(conn.execute(text("SELECT item_id, updated_at FROM progress")).all())
        for record in data.progress:
            mine = current.get(record.item_id)
            if mine is not None and mine >= record.updated_at:
                unchanged += 1
                continue
            upsert_progress(conn, **record.model_dump())
            current[record.item_id] = record.updated_at
            if mine is None:
                added += 1
            else:
                updated += 1
    return ImportResult(added, updated, unchanged)
