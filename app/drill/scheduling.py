"""FSRS scheduling through the `fsrs` package: a card's memory, its next review, and previews.

A card's state is never stored on its own: it is the replay of its reviews (rating and time, in
order) through one Scheduler, so reviews imported from another machine merge into the right state
and a change of scheduler settings applies to the whole history (what fsrs' `reschedule_card` does).
Two choices make live grading and replay agree exactly:
- fuzzing is off (fsrs draws the fuzz from the global `random`): the interval shown for each rating
  is the one you get, and a replay gives the same due dates;
- review times are whole seconds in UTC, the precision `drill_review.reviewed_at` keeps.

Defaults as in fsrs: desired retention 0.9, learning steps 1 min and 10 min, relearning 10 min.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

SCHEDULER = Scheduler(enable_fuzzing=False)
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
STATE_NAMES = {State.Learning: "learning", State.Review: "review", State.Relearning: "relearning"}
_STATES = {name: state for state, name in STATE_NAMES.items()}


def utc_second(moment: datetime) -> datetime:
    """`moment` in UTC, whole seconds: the precision reviews are stored with."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return utc_second(moment).isoformat().replace("+00:00", "Z")


def parse_iso(value: str) -> datetime:
    return utc_second(datetime.fromisoformat(value))


def new_card(now: datetime) -> Card:
    # fsrs wants an int card_id (and sleeps 1 ms to make one up); ours are strings kept elsewhere.
    return Card(card_id=0, due=utc_second(now))


def is_new(card: Card) -> bool:
    return card.last_review is None


def state_name(card: Card) -> str:
    return "new" if is_new(card) else STATE_NAMES[card.state]


def state_to_json(card: Card) -> str:
    """The FSRS state as stored in drill_review.state_before / state_after."""
    return json.dumps(
        {
            "state": state_name(card),
            "step": card.step,
            "stability": card.stability,
            "difficulty": card.difficulty,
            "due": iso(card.due),
            "last_review": iso(card.last_review) if card.last_review else None,
        }
    )


def state_from_json(text: str) -> Card:
    data = json.loads(text)
    return Card(
        card_id=0,
        state=_STATES.get(data["state"], State.Learning),
        step=data["step"],
        stability=data["stability"],
        difficulty=data["difficulty"],
        due=parse_iso(data["due"]),
        last_review=parse_iso(data["last_review"]) if data["last_review"] else None,
    )


def review(card: Card, rating: int, at: datetime) -> Card:
    """The card after a review rated `rating` (1-4) at `at`."""
    updated, _log = SCHEDULER.review_card(card, Rating(rating), utc_second(at))
    return updated


def preview(card: Card, at: datetime) -> dict[int, timedelta]:
    """The interval each rating would give, for the buttons: {1: 1 min, 2: 6 min, 3: 10 min, 4: 8 days}."""
    at = utc_second(at)
    return {rating: review(card, rating, at).due - at for rating in RATING_NAMES}


@dataclass
class Memory:
    """A card's FSRS state with the counts the statistics need, from replaying its reviews."""

    card: Card
    reviews: int = 0
    lapses: int = 0  # Again on a card in the Review state (it was known, then forgotten)
    first_review: datetime | None = None

    def apply(self, rating: int, at: datetime) -> Card:
        """Record one review; return the state before it."""
        before = self.card
        if rating == 1 and before.state == State.Review:
            self.lapses += 1
        self.card = review(before, rating, at)
        self.reviews += 1
        self.first_review = self.first_review or utc_second(at)
        return before

    def retrievability(self, at: datetime) -> float | None:
        if is_new(self.card):
            return None
        return float(SCHEDULER.get_card_retrievability(self.card, utc_second(at)))


def replay(reviews: Iterable[tuple[int, datetime]], now: datetime) -> Memory:
    """A card's memory from its (rating, time) reviews in time order; a new card if none."""
    memory = Memory(new_card(now))
    for rating, at in reviews:
        memory.apply(rating, at)
    return memory


def format_interval(delta: timedelta) -> str:
    """'1m', '10m', '3h', '4d', '2.5mo', '1.2y' (Anki-style button labels)."""
    seconds = max(delta.total_seconds(), 0)
    if seconds < 3600:
        return f"{max(round(seconds / 60), 1)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
