"""The deck YAML schema (drills/*.yaml), documented field by field in drills/README.md.

id: fluency
title: Fluency Drills (explain in < 30 s)
description: markdown (optional)
cards:
  - id: fluency/why-nonlinearity      # stable and unique across all decks: reviews are keyed by it
    prompt: Why non-linearity?
    answer: markdown
    tags: [fundamentals]              # optional
    items: [iv-drills/why-non-linearity]   # curriculum items it drills (at least one, must exist)
    time_limit_s: 30                  # optional
    code: {check: softmax_last_dim, function: softmax}   # optional: an auto-graded code card
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.curriculum.schema import ID_PATTERN, _check_id
from app.drill.code_checks import CHECKS

DEFAULT_TIME_LIMIT_S = 30


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeSpec(_Strict):
    check: str  # a name in app/drill/code_checks.py CHECKS
    function: str | None = None  # the name the learner's code defines; default: the check's own

    @field_validator("check")
    @classmethod
    def _known_check(cls, value: str) -> str:
        if value not in CHECKS:
            from app.errors import did_you_mean

            hint = did_you_mean(value, CHECKS) or f"; known checks: {', '.join(sorted(CHECKS))}"
            raise ValueError(f"unknown check '{value}'{hint}")
        return value

    @field_validator("function")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not value.isidentifier():
            raise ValueError(f"'{value}' is not a Python function name")
        return value

    @property
    def function_name(self) -> str:
        return self.function or CHECKS[self.check].function


class Card(_Strict):
    id: str
    prompt: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    tags: list[str] = []
    items: list[str] = Field(min_length=1)
    time_limit_s: int = Field(DEFAULT_TIME_LIMIT_S, ge=1, le=3600)
    code: CodeSpec | None = None

    _id = field_validator("id")(_check_id)

    @field_validator("tags", mode="before")
    @classmethod
    def _no_tags(cls, tags: object) -> object:
        return [] if tags is None else tags  # `tags:` with nothing under it

    @field_validator("tags")
    @classmethod
    def _tag_words(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not ID_PATTERN.match(tag):
                raise ValueError(f"tag {tag!r} may hold only letters, digits and . _ - /")
        return tags


class Deck(_Strict):
    id: str
    title: str
    description: str | None = None
    cards: list[Card] = []

    _id = field_validator("id")(_check_id)

    @field_validator("cards", mode="before")
    @classmethod
    def _no_cards(cls, cards: object) -> object:
        return [] if cards is None else cards
