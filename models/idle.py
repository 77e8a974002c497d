"""The idle rule on event time.

Idle means no activity event for `after_seconds` (the `idle.afterSeconds`
setting; ActivityWatch uses 3 minutes).  The clock is the server's event
time, so a replayed day shows idleness exactly where the recording had it.
"""

from __future__ import annotations


class IdleRule:
    """No activity for `after_seconds` of event time means idle.

    >>> rule = IdleRule(180)
    >>> rule.is_idle(last_activity=1000.0, now=1100.0), rule.is_idle(1000.0, 1180.0), rule.is_idle(None, 5.0)
    (False, True, True)
    """

    def __init__(self, after_seconds: float = 180.0):
        if after_seconds <= 0:
            raise ValueError("Invalid 'after_seconds': must be positive")
        self.after_seconds = after_seconds

    def is_idle(self, last_activity: float | None, now: float) -> bool:
        """Whether `now` is at least `after_seconds` after the last activity."""
        return last_activity is None or now - last_activity >= self.after_seconds

    def idle_since(self, last_activity: float | None) -> float | None:
        """The event time idleness began (None before any activity)."""
        return None if last_activity is None else last_activity + self.after_seconds
