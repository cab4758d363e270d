"""Read and validate every deck of a folder, reporting all problems at once with file:line.

Beyond the schema: deck ids and card ids are unique across all decks, and every curriculum item a
card names exists (the caller passes the known item ids, from the synced curriculum).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from app.curriculum.yaml_source import YamlProblem, line_of, load_yaml
from app.drill.schema import Deck
from app.drill.sync import deck_files
from app.errors import LearnError, Problem, did_you_mean
from app.locations import display_path


class DeckError(LearnError):
    """The deck YAML is invalid: every problem found, each with file:line."""

    def __init__(self, problems: list[Problem]) -> None:
        n = len(problems)
        super().__init__(
            f"drill decks have {n} problem{'s' if n != 1 else ''}; fix them and run `learn drill` again "
            "(the database is unchanged)",
            details=[str(p) for p in problems],
        )
        self.problems = problems


@dataclass(frozen=True)
class DeckFile:
    path: Path
    deck: Deck


def _describe(data: Any, error: dict[str, Any]) -> str:
    """ "card 'fluency/x': unknown field 'hint'" from a pydantic error and the raw data."""
    loc = tuple(error["loc"])
    owner = "deck"
    if len(loc) >= 2 and loc[0] == "cards" and isinstance(loc[1], int):
        cards = data.get("cards")
        raw = cards[loc[1]] if isinstance(cards, list) and loc[1] < len(cards) else None
        has_id = isinstance(raw, dict) and isinstance(raw.get("id"), str)
        owner = f"card '{raw['id']}'" if has_id else f"card #{loc[1] + 1}"
    field = next((k for k in reversed(loc) if isinstance(k, str)), None)
    if error["type"] == "missing":
        what = f"missing field '{loc[-1]}'"
    elif error["type"] == "extra_forbidden":
        what = f"unknown field '{loc[-1]}'"
    else:
        message = error["msg"].removeprefix("Value error, ")
        what = f"{field}: {message}" if field else message
    return f"{owner}: {what}"


def _read_deck(path: Path, problems: list[Problem]) -> tuple[Deck | None, Any]:
    """The validated deck (None if invalid) and the raw data (None if unreadable)."""
    name = display_path(path)
    try:
        data = load_yaml(path)
    except YamlProblem as exc:
        problems.append(Problem(name, exc.line, exc.message.replace("a track needs", "a deck needs")))
        return None, None
    except OSError as exc:
        problems.append(Problem(name, None, f"cannot read: {exc.strerror}"))
        return None, None
    if not isinstance(data, dict):
        problems.append(
            Problem(name, getattr(data, "line", 1), "a deck file must be a mapping with id, title and cards")
        )
        return None, None
    try:
        return Deck.model_validate(data), data
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(name, line_of(data, tuple(error["loc"])), _describe(data, error)))
        return None, data


def _raw_ids(data: Any) -> list[tuple[str, str, int]]:
    """(kind, id, line) of the deck and its cards, read from the raw YAML so that a deck with other
    problems still takes part in the duplicate checks."""
    ids = [("deck", data["id"], data.lines["id"])] if isinstance(data.get("id"), str) else []
    cards = data.get("cards")
    for card in cards if isinstance(cards, list) else []:
        if isinstance(card, dict) and isinstance(card.get("id"), str):
            ids.append(("card", card["id"], card.lines["id"]))
    return ids


def load_decks(folder: Path, known_items: Collection[str]) -> list[DeckFile]:
    """Every deck of `folder`, validated against the schema and `known_items`; raise DeckError
    listing every problem found. A missing folder has no decks."""
    problems: list[Problem] = []
    loaded: list[DeckFile] = []
    seen: dict[tuple[str, str], str] = {}
    for path in deck_files(folder):
        deck, data = _read_deck(path, problems)
        name = display_path(path)
        for kind, ident, line in _raw_ids(data) if data is not None else []:
            if (kind, ident) in seen:
                problems.append(Problem(name, line, f"duplicate {kind} id '{ident}' (first at {seen[kind, ident]})"))
            else:
                seen[kind, ident] = f"{name}:{line}"
        if deck is None:
            continue
        for n, card in enumerate(deck.cards):
            for m, item in enumerate(card.items):
                if item not in known_items:
                    problems.append(
                        Problem(
                            name,
                            line_of(data, ("cards", n, "items", m)),
                            f"card '{card.id}': unknown curriculum item '{item}'{did_you_mean(item, known_items)}",
                        )
                    )
        loaded.append(DeckFile(path, deck))
    if problems:
        raise DeckError(problems)
    return loaded
