"""Stored rows the app cannot read: JSON of the wrong shape, a status no code knows.

Such a row (written by an older `learn`, an import before imports were checked, or a hand edit)
made every `learn show` of its module fail. `learn doctor` lists them; `learn data repair` deletes
them after a backup of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.stored_json import attempt_details_problem, review_state_problem

Execute = Callable[[str], Iterable[tuple]]
STATUSES = ("todo", "in_progress", "done")


def _status_problem(value: object) -> str | None:
    return None if value in STATUSES else f"status {str(value)[:20]!r} is not one of {', '.join(STATUSES)}"


# table: (its key column, the columns checked, the check of each)
CHECKS: dict[str, tuple[str, tuple[str, ...], Callable[[object], str | None]]] = {
    "verify_attempt": ("id", ("details",), attempt_details_problem),
    "drill_review": ("id", ("state_before", "state_after"), review_state_problem),
    "progress": ("item_id", ("status",), _status_problem),
}


@dataclass(frozen=True)
class UnreadableRow:
    table: str
    key: str
    reason: str

    def to_json(self) -> dict:
        return {"table": self.table, "key": self.key, "reason": self.reason}


def unreadable_rows(execute: Execute, tables: set[str]) -> list[UnreadableRow]:
    found = []
    for table, (key, columns, check) in CHECKS.items():
        if table not in tables:
            continue
        for row in execute(f"SELECT {key}, {', '.join(columns)} FROM {table}"):
            for value in row[1:]:
                if (reason := check(value)) is not None:
                    found.append(UnreadableRow(table, str(row[0]), reason))
                    break
    return found
