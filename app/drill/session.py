"""A drill session, UI-free: the plain-terminal face (`learn drill`) and the TUI drive the same class.

    session = DrillSession.open(engine, QueueQuery(deck="fluency"), now)
    while (card := session.current) is not None:
        ...show card.prompt; wait for the answer; reveal card.answer...
        session.preview(now)                # {1: 1 min, 2: 6 min, 3: 10 min, 4: 8 days}
        session.grade(3, now, duration_ms)  # written to SQLite before this returns
    session.close()

Times come from the caller (a fake clock in tests). A card graded into a (re)learning step that is
due within the learn-ahead window comes back at the end of this session's queue, as in Anki.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fsrs import State
from sqlalchemy import Engine

from app.drill.queue import LEARN_AHEAD, QueueQuery, build_queue, day_start, select_cards
from app.drill.scheduling import RATING_NAMES, Memory, is_new, new_card, preview, utc_second
from app.drill.store import DrillCard, StoredReview, load_cards, load_memories, new_cards_started_since, record_review


@dataclass(frozen=True)
class Graded:
    card: DrillCard
    rating: int
    review: StoredReview
    due: datetime  # the card's next due time
    interval: timedelta
    again_in_session: bool  # back at the end of this session's queue (a (re)learning step)


class DrillSession:
    def __init__(
        self,
        engine: Engine,
        queue: list[DrillCard],
        memories: dict[str, Memory],
        *,
        selected: list[DrillCard] | None = None,
        code_time_limit_s: float = 5.0,
    ) -> None:
        self.engine = engine
        self._queue = deque(queue)
        self._memories = memories
        self._selected = selected if selected is not None else list(queue)
        self.graded: list[Graded] = []
        self.code_time_limit_s = code_time_limit_s
        self._runner = None

    @classmethod
    def open(cls, engine: Engine, query: QueueQuery, now: datetime, *, code_time_limit_s: float = 5.0) -> DrillSession:
        """The session for `query` at `now`, on the synced decks (sync_decks first)."""
        selected = select_cards(engine, load_cards(engine), query)
        memories = load_memories(engine, now, {card.id for card in selected})
        new_today = 0 if query.new is not None or query.cram else new_cards_started_since(engine, day_start(now))
        queue = build_queue(selected, memories, query, now, new_today)
        return cls(engine, queue, memories, selected=selected, code_time_limit_s=code_time_limit_s)

    # -- the queue ------------------------------------------------------------------------------------

    @property
    def current(self) -> DrillCard | None:
        return self._queue[0] if self._queue else None

    @property
    def remaining(self) -> int:
        return len(self._queue)

    @property
    def selected(self) -> list[DrillCard]:
        """Every card the filters matched, due or not."""
        return list(self._selected)

    def memory(self, card: DrillCard, now: datetime) -> Memory:
        return self._memories.get(card.id) or Memory(new_card(now))

    def next_due(self) -> datetime | None:
        """When the next of the selected, already-seen cards is due (for 'nothing due until ...')."""
        dues = [m.card.due for c in self._selected if (m := self._memories.get(c.id)) and not is_new(m.card)]
        return min(dues, default=None)

    def skip(self) -> None:
        """Leave the current card for another session, without a review."""
        if self._queue:
            self._queue.popleft()

    # -- grading ---------------------------------------------------------------------------------------

    def preview(self, now: datetime) -> dict[int, timedelta]:
        """The next interval for each rating of the current card: {1: 1 min, ..., 4: 8 days}."""
        card = self._require_current()
        return preview(self.memory(card, now).card, now)

    def grade(self, rating: int, now: datetime, duration_ms: int | None = None) -> Graded:
        """Rate the current card 1-4 (Again, Hard, Good, Easy); the review is stored before this
        returns, then the next card is current."""
        if rating not in RATING_NAMES:
            raise ValueError(f"rating must be 1-4, got {rating!r}")
        card = self._require_current()
        now = utc_second(now)
        memory = self._memories.setdefault(card.id, Memory(new_card(now)))
        snapshot = replace(memory)  # fsrs returns new Card objects, so a shallow copy is the old state
        before = memory.apply(rating, now)
        try:
            stored = record_review(self.engine, card.id, rating, now, duration_ms, before, memory.card)
        except BaseException:
            self._memories[card.id] = snapshot  # not stored, so not applied
            raise
        self._queue.popleft()
        after = memory.card
        again = after.state in (State.Learning, State.Relearning) and after.due <= now + LEARN_AHEAD
        if again:
            self._queue.append(card)
        graded = Graded(card, rating, stored, after.due, after.due - now, again)
        self.graded.append(graded)
        return graded

    def _require_current(self) -> DrillCard:
        if not self._queue:
            raise LookupError("the session has no more cards")
        return self._queue[0]

    def counts(self) -> dict[str, int]:
        """Reviews of this session per rating name."""
        by_rating = Counter(g.rating for g in self.graded)
        return {name: by_rating[rating] for rating, name in RATING_NAMES.items()}

    # -- code cards ------------------------------------------------------------------------------------

    def warm_up_code(self) -> None:
        """Start the code checker (it imports torch) while the learner types."""
        self._code_runner().warm_up()

    def check_code(self, code: str):
        """Run the learner's code for the current (code) card: a CheckResult (pass or a reason)."""
        card = self._require_current()
        if card.code is None:
            raise ValueError(f"card {card.id} is not a code card")
        return self._code_runner().check(code, card.code.check, card.code.function, self.code_time_limit_s)

    def _code_runner(self):
        if self._runner is None:
            from app.drill.code_runner import CodeRunner

            self._runner = CodeRunner(self.code_time_limit_s)
        return self._runner

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None


def suggest_rating(limit_s: float, duration_ms: int | None, passed: bool | None = None) -> int | None:
    """The grade a result suggests: a failed code check is Again, a pass is Good (Hard when over the
    time limit); a flashcard answered over the time limit suggests Hard, else no suggestion."""
    over = duration_ms is not None and duration_ms > limit_s * 1000
    if passed is False:
        return 1
    if passed is True:
        return 2 if over else 3
    return 2 if over else None
