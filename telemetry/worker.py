"""The worker: one thread that runs the pipeline's jobs in the order received.

The LSP loop never touches SQLite or a learner; it hands jobs here and awaits
the future.  Consecutive telemetry batches are handed over together, so one
transaction (and one fsync) acknowledges several batches: group commit.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

_STOP = object()


class Worker:
    """Runs jobs on one thread; `group` jobs that queue up are run as one call.

    `grouped(items) -> (results, then)` receives the payloads of consecutive
    grouped jobs (at most `max_group`) and returns a future of one result per
    payload (handed back when it resolves, possibly on another thread) and a
    step to run next on this thread.
    """

    def __init__(self, grouped: Callable[[list[Any]], tuple[Future, Callable[[], None]]],
                 idle: Callable[[], None] | None = None, idle_every: float = 1.0, max_group: int = 16,
                 name: str = "pulsedev-worker"):
        self._grouped = grouped
        self._idle = idle
        self._idle_every = idle_every
        self._max_group = max_group
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run `fn(*args)` on the worker, after everything queued before it."""
        fut: Future = Future()
        self._queue.put((False, fn, args, fut))
        return fut

    def submit_grouped(self, payload: Any) -> Future:
        """Queue a payload for the grouped call."""
        fut: Future = Future()
        self._queue.put((True, None, payload, fut))
        return fut

    def stop(self, timeout: float = 10.0) -> None:
        """Finish what is queued, then stop."""
        self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        pending = None
        while True:
            if pending is None:
                try:
                    pending = self._queue.get(timeout=self._idle_every)
                except queue.Empty:
                    self._safe(self._idle)
                    continue
            item, pending = pending, None
            if item is _STOP:
                return
            grouped, fn, args, fut = item
            if not grouped:
                self._resolve(fut, fn, *args)
                continue
            batch = [(args, fut)]
            while len(batch) < self._max_group:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is not _STOP and nxt[0]:
                    batch.append((nxt[2], nxt[3]))
                else:
                    pending = nxt
                    break
            try:
                results, then = self._grouped([p for p, _ in batch])
            except BaseException as exc:  # every waiter must hear of it
                log.exception("telemetry batch failed")
                results, then = Future(), None
                results.set_exception(exc)
            results.add_done_callback(partial(_hand_back, [f for _, f in batch]))
            self._safe(then)

    @staticmethod
    def _resolve(fut: Future, fn: Callable[..., Any], *args: Any) -> None:
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:
            log.exception("worker job failed")
            fut.set_exception(exc)

    @staticmethod
    def _safe(fn: Callable[[], None] | None) -> None:
        if fn is None:
            return
        try:
            fn()
        except Exception:
            log.exception("periodic job failed")


def _hand_back(waiters: list[Future], results: Future) -> None:
    """Each waiter gets its payload's result, or the group's error."""
    exc = results.exception()
    if exc is not None:
        log.error("telemetry batch not stored: %s", exc)
        for f in waiters:
            f.set_exception(exc)
        return
    for f, result in zip(waiters, results.result()):
        f.set_result(result)
