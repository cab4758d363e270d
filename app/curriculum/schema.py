"""The curriculum YAML schema: track > categories > modules > sections > items (with children).

One YAML file per track under curriculum/. Every id is written in the YAML and never generated at
load time, so that the learner's progress (keyed by item id) survives any edit of the text, order or
place of an item. Module ids and item ids are unique across the whole curriculum.

A file looks like::

    id: inference
    title: Inference Optimization Journey
    description: markdown
    source: 002_3775943032f49b87.txt        # the study plan it was made from (optional)
    log_template: |                          # Captain's Log entry template (optional)
      YYYY-MM-DD: Module X.Y - Title
    categories:
      - id: basics
        title: Revisiting the Basics
        modules:
          - id: "0.1"
            title: Core Machine Learning Fundamentals
            summary: one line
            notes: markdown
            tables: [{title, columns: [...], rows: [[...], ...]}]
            resources: [{title, entries: [{text, url}]}]
            sections:
              - kind: concepts
                title: Core Concepts Checklist
                items:
                  - id: 0.1/linear-algebra
                    text: "**Linear Algebra Essentials:**"
                    status: done              # initial status from the plan's markers
                    notes: markdown
                    links: [{url: https://..., title: ...}]
                    children: [...]
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.curriculum import STATUSES, Status  # noqa: F401 - re-exported

SectionKind = Literal[
    "concepts",  # concept checklists
    "checks",  # knowledge checks / exercises
    "capstone",  # capstone project steps
    "milestones",  # implementation milestones
    "deliverables",  # code to write
    "drills",  # fluency drills (explain in < 30 s)
    "papers",  # papers to read or implement
    "standards",  # implementation standards
    "topics",  # topics to study, numbered plan lines
    "resources",  # references and further reading
    "checklist",  # anything else
]

# Ids: letters, digits and . _ - / (no spaces), so they can be typed on the command line.
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
# A track id also names its file (curriculum/<id>.yaml, written by `learn import`): a slug, no `/`.
TRACK_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_lists(cls, data: Any) -> Any:
        """`items:` with nothing under it (YAML null) is an empty list, as a learner would expect."""
        if isinstance(data, dict):
            nulls = [name for name, f in cls.model_fields.items() if f.default == [] and data.get(name, 0) is None]
            if nulls:
                data = {**data, **{name: [] for name in nulls}}
        return data


def check_track_id(value: str) -> str:
    if not TRACK_ID_PATTERN.match(value):
        raise ValueError(
            f"track id {value!r} must be a slug: letters, digits and . _ - (no '/', no spaces, at most 80), "
            "starting with a letter or digit"
        )
    return value


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"id {value!r} may hold only letters, digits and . _ - / and must start with a letter or digit"
        )
    return value


class Link(_Strict):
    """Where an item points: a URL, and later a reference implementation, a kernel or a drill deck."""

    title: str | None = None
    url: str | None = None
    reference: str | None = None  # reference_impls exercise id
    kernel: str | None = None  # kernels/ kernel name
    deck: str | None = None  # drills/ deck id

    @model_validator(mode="after")
    def _one_target(self) -> Link:
        targets = [t for t in (self.url, self.reference, self.kernel, self.deck) if t]
        if len(targets) != 1:
            raise ValueError("a link needs exactly one of url, reference, kernel, deck")
        return self


class Item(_Strict):
    id: str
    text: str = Field(min_length=1)
    status: Status | None = None
    notes: str | None = None
    links: list[Link] = []
    children: list[Item] = []

    _id = field_validator("id")(_check_id)


class Section(_Strict):
    kind: SectionKind = "checklist"
    title: str | None = None
    items: list[Item] = []


class Table(_Strict):
    title: str | None = None
    columns: list[str]
    rows: list[list[str]]

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        for n, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise ValueError(f"row {n} has {len(row)} cells, the table has {len(self.columns)} columns")
        return self


class Resource(_Strict):
    text: str
    url: str | None = None


class ResourceGroup(_Strict):
    title: str | None = None
    entries: list[Resource]


class Module(_Strict):
    id: str
    title: str
    summary: str | None = None
    notes: str | None = None
    sections: list[Section] = []
    tables: list[Table] = []
    resources: list[ResourceGroup] = []

    _id = field_validator("id")(_check_id)


class Category(_Strict):
    id: str
    title: str
    description: str | None = None
    modules: list[Module] = []

    _id = field_validator("id")(_check_id)


class Track(_Strict):
    id: str
    title: str
    description: str | None = None
    source: str | None = None
    log_template: str | None = None
    categories: list[Category] = []

    _id = field_validator("id")(check_track_id)
