"""A log entry as data: the plan's four fields, free text, the module it is about, and its dates.

Dates: an entry's `date` is the learner's local calendar day when it was written (the day the header
shows, the day `--since` filters on); `created_at` and `updated_at` are UTC instants, like every
other time in the database (they order entries and decide what happened "since the last entry").
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date

from app.errors import LearnError

# The template's fields, in the plan's order, with the labels it writes them under.
FIELDS: tuple[str, ...] = ("progress", "insight", "challenge", "next_steps")
LABELS: dict[str, str] = {
    "progress": "Progress",
    "insight": "Key Insight",
    "challenge": "Challenge",
    "next_steps": "Next Steps",
}

SHORT_ID_LENGTH = 8
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def today() -> str:
    """The learner's local calendar day, YYYY-MM-DD."""
    return date.today().isoformat()


def parse_day(value: str, what: str = "--since") -> str:
    """'2026-03-01' as is; anything else is a one-line error naming the accepted format."""
    value = value.strip()
    try:
        if _DAY.match(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise LearnError(f"bad {what} date '{value}'; use YYYY-MM-DD, e.g. {today()}")


def module_label(module_id: str | None, title: str | None) -> str:
    """'Module 0.5 - Transformer Architecture Deep Dive', the learner's own title, or ''."""
    if module_id is None:
        return title or ""
    return f"Module {module_id} - {title}" if title else f"Module {module_id}"


@dataclass(frozen=True)
class EntryDraft:
    """What the learner wrote, before it is stored: no id or stored times yet."""

    date: str
    module_id: str | None = None
    module_title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # field name -> text; missing means empty
    body: str = ""

    def is_empty(self) -> bool:
        return not self.body.strip() and not any(v.strip() for v in self.fields.values())

    def same_as(self, other: EntryDraft) -> bool:
        """Whether storing `self` over `other` would change nothing."""

        def stored(d: EntryDraft) -> tuple:
            return (d.date, d.module_id, d.module_title, d.body.strip(), *(d.fields.get(f, "").strip() for f in FIELDS))

        return stored(self) == stored(other)


@dataclass(frozen=True)
class LogEntry:
    id: str  # uuid4 hex
    date: str
    module_id: str | None
    module_title: str | None
    progress: str
    insight: str
    challenge: str
    next_steps: str
    body: str
    created_at: str
    updated_at: str
    module_in_curriculum: bool | None = None  # None: not linked to a module

    @property
    def short_id(self) -> str:
        return self.id[:SHORT_ID_LENGTH]

    @property
    def header(self) -> str:
        """The plan's first line: 'YYYY-MM-DD: Module X.Y - Title'."""
        label = module_label(self.module_id, self.module_title)
        return f"{self.date}: {label}" if label else self.date

    @property
    def fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FIELDS}

    def display_lines(self, shown_id: str) -> list[tuple[tuple[str, str], ...]]:
        """The entry as `learn log show` and the TUI's log screen show it: header, free text, the fields,
        `shown_id` and its times. Lines of (text, style) runs, styles as Rich spells them."""
        lines: list[tuple[tuple[str, str], ...]] = [((self.header, "bold"),)]
        if self.body:
            lines.append(((self.body, ""),))
        lines += [
            ((f"{LABELS[name]}:", "bold cyan"), (" ", ""), (value, "")) for name, value in self.fields.items() if value
        ]
        edited = f", edited {self.updated_at}" if self.updated_at != self.created_at else ""
        lines.append(((f"{shown_id}  written {self.created_at}{edited}", "dim"),))
        if self.module_in_curriculum is False:
            lines.append(
                ((f"module {self.module_id} is no longer in the curriculum; the entry keeps its title", "dim"),)
            )
        return lines

    def summary(self) -> str:
        """One line saying what the entry is about, for lists."""
        for text in (self.progress, self.body, self.insight, self.challenge, self.next_steps):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return ""

    def to_json(self) -> dict:
        return asdict(self)
