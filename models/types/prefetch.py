"""Background analysis of changed documents, so a hint request finds its analysis ready.

`Prefetcher` keeps the latest text per URI (a newer version replaces an older
one not yet analysed) and analyses it on one daemon thread, started on first
use, after waiting `PREFETCH_DELAY` so that a hint request right after the edit
goes first.  `Gate` lets analyses go first: background indexing waits at its
`pause()` while one runs.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

log = logging.getLogger(__name__)
PREFETCH_DELAY = 0.03  # seconds the background analysis of a changed document waits for a request


class Prefetcher:
    """A latest-text-wins queue of documents analysed by `analyse(uri, text)` on a background thread."""

    def __init__(self, analyse):
        self._analyse = analyse
        self._stop = False
        self._pending: dict[str, str] = {}  # uri -> latest text to analyse ahead of the request
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, uri: str, text: str) -> None:
        """Queues `text` as the version of `uri` to analyse (replacing one not yet analysed)."""
        with self._wake:
            self._pending[uri] = text
            self._wake.notify()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="pulsedev-types-prefetch", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Ends the background thread (what is still queued is dropped)."""
        self._stop = True
        with self._wake:
            self._wake.notify_all()

    def _loop(self) -> None:
        while not self._stop:
            with self._wake:
                while not self._pending and not self._stop:
                    self._wake.wait(1.0)
                if self._stop:
                    return
                uri, text = self._pending.popitem()
            time.sleep(PREFETCH_DELAY)  # a hint request right after the edit goes first (it needs less)
            with self._wake:
                if uri in self._pending:  # a newer version came meanwhile: analyse that one
                    continue
            try:
                self._analyse(uri, text)
            except Exception:  # a background nicety must never fail loudly
                log.exception("type prefetch failed")


class Gate:
    """Counts running analyses (`with gate.busy():`); `pause()` blocks background work a little while any runs."""

    def __init__(self):
        self._busy = 0
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def busy(self):
        """Marks an analysis as running (or waiting for the engine's lock)."""
        with self._lock:
            self._busy += 1
            self._idle.clear()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                if not self._busy:
                    self._idle.set()

    def pause(self) -> None:
        """Where background work gives way: waits up to 0.5 s while an analysis runs."""
        if self._busy:
            self._idle.wait(0.5)
