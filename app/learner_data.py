"""Export and import all of the learner's own data as JSON, to move machines or keep a backup.

The format (version 1) is one object with a list per kind of data::

    {
      "format": "learn-data",
      "version": 1,
      "exported_at": "2026-11-23T15:00:00Z",
      "progress": [
        {"item_id": "0.1/pca", "status": "done", "updated_at": "2026-11-20T09:12:00Z",
         "completed_at": "2026-11-20T09:12:00Z"}
      ]
    }

Each kind is a `DataKind` registered in `KINDS` (progress here; drill reviews, verify attempts and log
entries register theirs beside their tables). Importing merges each record by its key: a record is
added when the database has none with that key, replaces the stored one when its `updated` time is
newer, and is otherwise left alone, so importing the same file twice changes nothing. Rows of items
that left the curriculum are exported and imported like any other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, create_model, field_validator
from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.errors import LearnError
from app.progress import as_utc_iso, utc_now

FORMAT = "learn-data"
VERSION = 1


class Record(BaseModel):
    """Base of every exported record: strict, with times normalized to UTC ISO 8601."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _utc_times(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and info.field_name.endswith("_at"):
            return as_utc_iso(value)
        return value


@dataclass(frozen=True)
class DataKind:
    name: str  # the key in the JSON file
    table: str
    key: tuple[str, ...]  # the columns that identify a record across machines
    record: type[Record]  # its fields are the exported columns
    updated: str | None = None  # the column that says which of two versions is newer; None: never replaced

    @property
    def columns(self) -> list[str]:
        return list(self.record.model_fields)


def _uuid4_hex(value: str) -> str:
    if len(value) != 32 or any(c not in "0123456789abcdef" for c in value):
        raise ValueError(f"id {value!r} is not 32 lowercase hex digits (a uuid4 hex)")
    return value


# Rows the learner creates (log entries, reviews, attempts) are keyed by uuid4 hex ids, so that
# records made on two machines never collide when merged.
Uuid4Hex = Annotated[str, AfterValidator(_uuid4_hex)]


class ProgressRecord(Record):
    item_id: str
    status: Literal["todo", "in_progress", "done"]
    updated_at: str
    completed_at: str | None = None


KINDS: list[DataKind] = [DataKind("progress", "progress", ("item_id",), ProgressRecord, updated="updated_at")]


def register_kind(kind: DataKind) -> None:
    if all(k.name != kind.name for k in KINDS):
        KINDS.append(kind)


@dataclass(frozen=True)
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def export_data(engine: Engine) -> dict:
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "exported_at": utc_now()}
    with engine.connect() as conn:
        for kind in KINDS:
            query = f"SELECT {', '.join(kind.columns)} FROM {kind.table} ORDER BY {', '.join(kind.key)}"
            data[kind.name] = [dict(row) for row in conn.execute(text(query)).mappings()]
        conn.rollback()
    return data


def _file_model() -> type[BaseModel]:
    fields: dict[str, Any] = {
        "format": (Literal["learn-data"], ...),
        "version": (Literal[1], ...),
        "exported_at": (str, ...),
    }
    fields |= {kind.name: (list[kind.record], []) for kind in KINDS}
    return create_model("LearnerData", __config__=ConfigDict(extra="forbid"), **fields)


def read_data_file(path: Path) -> BaseModel:
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
        return _file_model().model_validate(raw)
    except ValidationError as exc:
        from app.data_import_errors import describe_import_error

        first, n = exc.errors()[0], exc.error_count() - 1
        more = f" ({n} more problem{'s' * (n > 1)})" if n else ""
        hint = "expected a `learn data export` file" if len(first["loc"]) < 2 else "nothing was imported"
        what = describe_import_error(first, raw, {kind.name: kind.key for kind in KINDS})
        raise LearnError(f"{path}: {what}{more}; {hint}") from None


def import_data(engine: Engine, data: BaseModel) -> dict[str, ImportCounts]:
    """Merge `data` into the database in one transaction; counts per kind."""
    counts: dict[str, ImportCounts] = {}
    with write_connection(engine) as conn:
        for kind in KINDS:
            added = updated = unchanged = 0
            key_sql = " AND ".join(f"{k} = :{k}" for k in kind.key)
            select_current = text(f"SELECT {kind.updated or '1'} FROM {kind.table} WHERE {key_sql}")
            upsert = text(
                f"INSERT OR REPLACE INTO {kind.table} ({', '.join(kind.columns)}) "
                f"VALUES ({', '.join(':' + c for c in kind.columns)})"
            )
            for record in getattr(data, kind.name):
                values = record.model_dump()
                current = conn.execute(select_current, {k: values[k] for k in kind.key}).first()
                if current is not None and (kind.updated is None or current[0] >= values[kind.updated]):
                    unchanged += 1
                    continue
                conn.execute(upsert, values)
                added, updated = (added + 1, updated) if current is None else (added, updated + 1)
            counts[kind.name] = ImportCounts(added, updated, unchanged)
    return counts


# -- Captain's Log entries (app/journal): merged by id, the newer updated_at wins ----------------------
class LogEntryRecord(Record):
    id: Uuid4Hex
    date: str
    module_id: str | None = None
    module_title: str | None = None
    progress: str = ""
    insight: str = ""
    challenge: str = ""
    next_steps: str = ""
    body: str = ""
    created_at: str
    updated_at: str

    @field_validator("date")
    @classmethod
    def _day(cls, value: str) -> str:
        from datetime import date

        if len(value) != 10 or date.fromisoformat(value).isoformat() != value:
            raise ValueError(f"date {value!r} is not YYYY-MM-DD")
        return value


register_kind(DataKind("log", "log_entry", ("id",), LogEntryRecord, updated="updated_at"))


class ReviewRecord(Record):
    """One drill review (app/drill): append-only, so a record is added once and never replaced."""

    id: Uuid4Hex
    card_id: str
    rating: Literal[1, 2, 3, 4]
    reviewed_at: str
    duration_ms: int | None = None
    state_before: str  # FSRS state JSON
    state_after: str


register_kind(DataKind("reviews", "drill_review", ("id",), ReviewRecord, updated=None))


class VerifyAttemptRecord(Record):  # learn verify: one per run of an exercise (app/verify/attempts.py)
    id: Uuid4Hex
    exercise_id: str
    module_id: str
    passed: bool
    checks_passed: int
    checks_total: int
    details: str
    duration_ms: int
    started_at: str
    source_hash: str | None = None


register_kind(DataKind("verify_attempts", "verify_attempt", ("id",), VerifyAttemptRecord, updated=None))


class NoteRecord(Record):
    """The learner's note on an item or a module (app/notes): merged by its target's id, the newer wins."""

    target_id: str
    kind: Literal["item", "module"]
    text: str
    created_at: str
    updated_at: str


register_kind(DataKind("notes", "note", ("target_id",), NoteRecord, updated="updated_at"))
