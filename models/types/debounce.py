"""`Debounce`: one call of a function, a moment after the last of a burst of requests.

Used for background work that a save makes stale (the workspace's call-site
table): ten saves in a row rebuild it once.  The function runs on a daemon
thread; a request while it runs schedules one more run after it.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Debounce:
    """Runs `fn()` once `delay` seconds after the last `schedule()`."""

    def __init__(self, delay: float, fn):
        self.delay, self._fn = delay, fn
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._running = threading.Lock()  # one run at a time

    def schedule(self) -> None:
        """(Re)starts the wait; `fn` runs when no other request comes within `delay`."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.delay, self._run)
            self._timer.daemon = True
            self._timer.start()

    def cancel(self) -> None:
        """Drops a pending run."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _run(self) -> None:
        with self._running:
            try:
                self._fn()
            except Exception:  # background upkeep must never fail loudly
                log.exception("background job failed")
