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

An import is checked before anything is written, and a bad file changes nothing: every field has its
type; ids are curriculum ids (letters, digits and . _ - /) or uuid4 hex; times are ISO 8601 and not
later than now (plus a small clock skew); `details` is an exercise report as JSON (an object whose
status and error are text, hints a list of texts, checks a list of objects, output an object) and
`state_before` / `state_after` an FSRS state (app/stored_json.py); a file is at most 256 MiB and
nests at most 64 levels. Text loses any terminal control sequence (app/terminal_text.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator
from sqlalchemy import Engine, text

from app.db.engine import write_connection
from app.errors import LearnError
from app.progress import as_utc_iso, utc_now
from app.stored_json import attempt_details_problem, review_state_problem
from app.terminal_text import safe_text

FORMAT = "learn-data"
VERSION = 1
MAX_FILE_BYTES = 256 * 2**20  # years of daily use export to a few MiB
MAX_TEXT = 1_000_000  # characters in one field (a log entry's body, an attempt's details)
MAX_NESTING = 64  # JSON arrays and objects inside each other: the format needs 3
CLOCK_SKEW = timedelta(minutes=10)  # a time later than now by more than this comes from a wrong clock


class Record(BaseModel):
    """Base of every exported record: strict, with times normalized to UTC ISO 8601 and not in the
    future (a machine with a wrong clock would otherwise win every later merge), and text cleaned of
    terminal control sequences."""

    model_config = ConfigDict(extra="forbid", str_max_length=MAX_TEXT)

    @field_validator("*", mode="after")
    @classmethod
    def _utc_times(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str) and info.field_name.endswith("_at"):
            try:
                value = as_utc_iso(value)
            except (ValueError, OverflowError):
                raise ValueError(f"is {value[:40]!r}, not a time like '2025-01-31T09:00:00Z'") from None
            if datetime.fromisoformat(value) > datetime.now(UTC) + CLOCK_SKEW:
                raise ValueError(
                    f"{value} is in the future (now {utc_now()}): the exporting machine's clock is wrong; "
                    "fix it and export again"
                )
            return value
        if isinstance(value, str):
            return safe_text(value)
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


def _content_id(value: str) -> str:
    from app.curriculum.schema import ID_PATTERN

    if len(value) > 200 or not ID_PATTERN.match(value):
        raise ValueError(f"id {value[:40]!r} is not a curriculum id (letters, digits and . _ - /)")
    return value


# Ids of items, modules, cards and exercises: as the curriculum writes them.
ContentId = Annotated[str, AfterValidator(_content_id)]
Count = Annotated[int, Field(ge=0, le=2**53)]  # SQLite holds 64 bits; JSON readers 53


def _details(value: str) -> str:
    if problem := attempt_details_problem(value):
        raise ValueError(problem)
    return value


def _state(value: str) -> str:
    if problem := review_state_problem(value):
        raise ValueError(problem)
    return value


class ProgressRecord(Record):
    item_id: ContentId
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


def _nesting(text: str) -> int:
    """How deep arrays and objects nest in JSON `text` (brackets inside strings not counted)."""
    import re

    depth = deepest = 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif bracket in "]}":
            depth -= 1
    return deepest


def read_data_file(path: Path) -> BaseModel:
    """Parse and validate an export file; a one-line LearnError naming the file and place if bad."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LearnError(
                f"{path} is {size / 2**20:.0f} MiB, more than an export can be "
                f"({MAX_FILE_BYTES // 2**20} MiB); expected a `learn data export` file"
            )
        content = path.read_text(encoding="utf-8")
        if (depth := _nesting(content)) > MAX_NESTING:
            raise LearnError(
                f"{path}: JSON nested {depth} levels deep (an export nests 3); expected a `learn data export` file"
            )
        raw = json.loads(content)
    except OSError as exc:
        raise LearnError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LearnError(f"{path}: not UTF-8 text; expected a `learn data export` JSON file") from None
    except json.JSONDecodeError as exc:
        raise LearnError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # a 5,000-digit number, say
        raise LearnError(f"{path}: unreadable JSON ({str(exc)[:80]}); expected a `learn data export` file") from None
    try:
        return _file_model().model_validate(raw)
    except ValidationError as exc:
        from app.data_import_errors import describe_import_error

        first, n = exc.errors()[0], exc.error_count() - 1
        more = f" ({n} more problem{'s' * (n > 1)})" if n else ""
        hint = "expected a `learn data export` file" if len(first["loc"]) < 2 else "nothing was imported"
        what = safe_text(describe_import_error(first, raw, {kind.name: kind.key for kind in KINDS}), one_line=True)
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
    module_id: ContentId | None = None
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

        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            day = None
        if day is None or day.isoformat() != value:
            raise ValueError(f"is {value[:40]!r}, not a date like '2025-01-31'")
        if day > (datetime.now(UTC) + CLOCK_SKEW + timedelta(days=1)).date():  # the learner's day runs ahead of UTC
            raise ValueError(f"date {value} is in the future: the exporting machine's clock is wrong")
        return value


register_kind(DataKind("log", "log_entry", ("id",), LogEntryRecord, updated="updated_at"))


class ReviewRecord(Record):
    """One drill review (app/drill): append-only, so a record is added once and never replaced."""

    id: Uuid4Hex
    card_id: ContentId
    rating: Literal[1, 2, 3, 4]
    reviewed_at: str
    duration_ms: Count | None = None
    state_before: Annotated[str, AfterValidator(_state)]  # FSRS state JSON (app/drill/scheduling.py)
    state_after: Annotated[str, AfterValidator(_state)]


register_kind(DataKind("reviews", "drill_review", ("id",), ReviewRecord, updated=None))


class VerifyAttemptRecord(Record):  # learn verify: one per run of an exercise (app/verify/attempts.py)
    id: Uuid4Hex
    exercise_id: ContentId
    module_id: ContentId
    passed: bool
    checks_passed: Count
    checks_total: Count
    details: Annotated[str, AfterValidator(_details)]  # the report as JSON (app/verify/attempts.py)
    duration_ms: Count
    started_at: str
    source_hash: Annotated[str, Field(max_length=128)] | None = None


register_kind(DataKind("verify_attempts", "verify_attempt", ("id",), VerifyAttemptRecord, updated=None))


class NoteRecord(Record):
    """The learner's note on an item or a module (app/notes): merged by its target's id, the newer wins."""

    target_id: ContentId
    kind: Literal["item", "module"]
    text: str
    created_at: str
    updated_at: str


register_kind(DataKind("notes", "note", ("target_id",), NoteRecord, updated="updated_at"))
