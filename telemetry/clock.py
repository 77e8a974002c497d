"""The server's clock: event time.

The newest `ts` received plus the wall-clock time passed since it arrived, so
idleness is noticed when nothing arrives and a recorded session replays
faster than real time with the same results (PROTOCOL.md, "Telemetry in").
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: An event older than the newest seen by more than this is stored, not learned from.
LATE_SECONDS = 300.0


class EventClock:
    """Event time, advanced by what is seen and by the wall clock in between.

    >>> t = iter([100.0, 105.0])
    >>> clock = EventClock(wall=lambda: next(t))
    >>> clock.see(1_700_000_000.0)
    >>> clock.now()
    1700000005.0
    """

    def __init__(self, wall: Callable[[], float] = time.monotonic):
        self._wall = wall
        self.newest: float | None = None
        self._at = 0.0

    def see(self, ts: float) -> None:
        """Note an event (or a replay tool's `now`) at `ts`."""
        if self.newest is None or ts > self.newest:
            self.newest = ts
            self._at = self._wall()

    def late(self, ts: float) -> bool:
        """Whether an event at `ts` is too old to learn from."""
        return self.newest is not None and ts < self.newest - LATE_SECONDS

    def now(self) -> float:
        """The server's time now."""
        if self.newest is None:
            return time.time()
        return self.newest + (self._wall() - self._at)
