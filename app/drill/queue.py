"""Which cards a session shows, in which order: due cards, then new ones, or everything (cram).

- Due: a card in the Review state is due on its due day (UTC), so a card due at 20:00 shows in the
  morning session; a card in (re)learning is due at its time, up to LEARN_AHEAD early (as Anki's
  learn-ahead limit). Most overdue first.
- New: in deck order, at most NEW_PER_DAY first-seen cards per UTC day, unless `--new N` sets this
  session's number.
- Cram: every selected card whatever its schedule, weakest first (lowest FSRS retrievability), then
  the new ones (all of them, unless `--new N`). Cram reviews are real reviews: they are recorded and
  update the FSRS state, as Anki's filtered decks do by default; FSRS accounts for the early review
  through the card's retrievability, so the schedule stays honest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from fsrs import State
from sqlalchemy import Engine, text

from app.drill.scheduling import Memory, is_new, utc_second
from app.drill.store import DrillCard
from app.errors import LearnError, UnknownIdError

NEW_PER_DAY = 10
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True)
class QueueQuery:
    deck: str | None = None
    module: str | None = None  # as typed: module-1.5, 1.5, iv-drills
    tag: str | None = None
    new: int | None = None  # new cards in this session; None: what is left of today's NEW_PER_DAY
    limit: int | None = None  # cards in this session
    cram: bool = False


def day_start(now: datetime) -> datetime:
    now = utc_second(now)
    return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)


def day_end(now: datetime) -> datetime:
    """The start of the next UTC day."""
    return day_start(now) + timedelta(days=1)


def is_due(memory: Memory | None, now: datetime) -> bool:
    if memory is None or is_new(memory.card):
        return False
    card = memory.card
    if card.state == State.Review:
        return card.due < day_end(now)
    return card.due <= utc_second(now) + LEARN_AHEAD


def select_cards(engine: Engine, cards: list[DrillCard], query: QueueQuery) -> list[DrillCard]:
    """The cards matching --deck, --module and --tag; an unknown deck, module or tag is an error."""
    if query.deck is not None:
        decks = {card.deck_id for card in cards}
        if query.deck not in decks:
            raise UnknownIdError("deck", query.deck, decks)
        cards = [card for card in cards if card.deck_id == query.deck]
    if query.module is not None:
        from app.progress import resolve_module_id

        module_id = resolve_module_id(engine, query.module)
        with engine.connect() as conn:
            items = set(conn.execute(text("SELECT id FROM item WHERE module_id = :m"), {"m": module_id}).scalars())
            conn.rollback()
        cards = [card for card in cards if items.intersection(card.items)]
        if not cards:
            raise LearnError(f"no drill cards link to items of module {module_id}")
    if query.tag is not None:
        tags = {tag for card in cards for tag in card.tags}
        if query.tag not in tags:
            raise UnknownIdError("tag", query.tag, tags)
        cards = [card for card in cards if query.tag in card.tags]
    return cards


def build_queue(
    cards: list[DrillCard], memories: dict[str, Memory], query: QueueQuery, now: datetime, new_started_today: int = 0
) -> list[DrillCard]:
    """The session's cards in order, from the selected `cards` and their memories."""
    fresh = [card for card in cards if card.id not in memories or is_new(memories[card.id].card)]
    if query.new is not None:
        fresh = fresh[: max(query.new, 0)]
    elif not query.cram:
        fresh = fresh[: max(NEW_PER_DAY - new_started_today, 0)]
    if query.cram:
        seen = [card for card in cards if card.id in memories and not is_new(memories[card.id].card)]
        seen.sort(key=lambda card: memories[card.id].retrievability(now) or 0.0)
    else:
        seen = [card for card in cards if is_due(memories.get(card.id), now)]
        seen.sort(key=lambda card: memories[card.id].card.due)
    queue = seen + fresh
    return queue if query.limit is None else queue[: max(query.limit, 0)]
