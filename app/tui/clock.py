"""Where the TUI reads the time: the system clock, or a frozen one in tests and snapshots."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        """The current time, aware, in UTC (what app.drill and app.progress store)."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


class FrozenClock(SystemClock):
    """A clock that moves only when told to: snapshots and timing-dependent tests stay stable."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)
        self.elapsed = 0.0

    def now(self) -> datetime:
        from datetime import timedelta

        return self.at + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds
