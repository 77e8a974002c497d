"""The pipeline: validated events into the store and, in order, into the learners.

One `Pipeline` per server (and one per `pulsedev replay`), run on its worker
thread only.  It owns the store, the privacy policy, the event clock and the
detector; whatever the detector has to say (state changes, suggestions) goes
out through `notify(method, params)`.  The same code path serves LSP batches,
server-derived text-sync events and spool files.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any, Protocol

from .clock import LATE_SECONDS, EventClock
from .decode import Checked, checked_event
from .events import Event
from .privacy import PathPolicy
from .store import Row, Store
from .validation import MAX_BATCH_BYTES, MAX_EVENT_BYTES, validate_event
from .writer import encode

log = logging.getLogger(__name__)

DAY = 86400.0
#: Events with fewer data fields than this (and no failures list) cannot reach
#: MAX_EVENT_BYTES once validated (strings are capped), so they are not measured.
_UNMEASURED_FIELDS = 16


def _size(event: Event) -> int:
    """The stored size of an event, measured only when it could matter."""
    data, base = event.data, 40 + len(event.kind) + len(event.uri or "")
    if len(data) < _UNMEASURED_FIELDS and "failures" not in data:
        return base + 32 * len(data)
    return base + len(encode(data.copy()))


class Detector(Protocol):
    """What the pipeline needs from the learners (`pulsedev.models.detector.Detector`)."""

    def observe(self, event: Event) -> None: ...
    def advance(self, now: float) -> list[tuple[str, dict]]: ...
    def state(self, now: float) -> dict: ...
    def label(self, state: str, ts: float) -> None: ...
    def feedback(self, suggestion_id: str, helpful: bool) -> None: ...
    def models_info(self) -> list[dict]: ...
    def save(self) -> None: ...
    def reset(self) -> None: ...


def neutral_state(since: float, reason: str) -> dict[str, Any]:
    """The state reported when no detector runs."""
    return {"state": "neutral", "since": since, "scores": {"stuck": 0.0, "flow": 0.0, "anomaly": 0.0}, "reason": reason}


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated batch: its events, their store rows, and the reply to send."""

    events: list[Event]
    rows: list[Row]
    result: dict[str, Any]


class Pipeline:
    """Events in, rows and learner updates out, strictly in arrival order."""

    def __init__(self, store: Store, policy: PathPolicy, detector: Detector | None = None,
                 notify: Callable[[str, dict], None] | None = None, retention_days: float = 90,
                 clock: EventClock | None = None):
        self.store = store
        self.policy = policy
        self.detector = detector
        self.notify = notify or (lambda method, params: None)
        self.retention_days = retention_days
        self.clock = clock or EventClock()
        self.rejected = 0
        self.started = time.time()
        self.listeners: list[Callable[[list[Event]], None]] = []
        self.models_info_providers: list[Callable[[], list[dict]]] = []
        self._last_save = time.monotonic()
        self._last_retention = 0.0
        #: The last status computed on the worker: what a plain `pulsedev/status` is answered
        #: from at once, without queueing behind a burst of batches.
        self.snapshot: dict[str, Any] = {}
        self._snapshot_lock = threading.Lock()
        self._last_snapshot = 0.0

    # -- ingest ---------------------------------------------------------------
    def prepare(self, raw_events: list[Any]) -> Prepared:
        """Validate a raw batch, or take a `Checked` one, (privacy applied) and build its rows: pure CPU,
        safe on any thread."""
        events, rows, rejected, size = [], [], [], 0
        path_of = self.policy.apply
        validate = checked_event if type(raw_events) is Checked else validate_event
        for i, raw in enumerate(raw_events):
            event, reason = validate(raw, path_of)
            if event is not None:
                event_size = _size(event)
                if event_size <= MAX_EVENT_BYTES:
                    size += event_size
                    events.append(event)
                    rows.append((event.ts, event.kind, event.uri, event.data.copy() if event.data else None))
                    continue
                reason = f"event is over {MAX_EVENT_BYTES // 1024} KiB; send less data"
            rejected.append({"index": i, "reason": reason})
        if size > MAX_BATCH_BYTES:
            reason = f"batch is over {MAX_BATCH_BYTES >> 20} MiB; send smaller batches"
            rejected = [{"index": i, "reason": reason} for i in range(len(raw_events))]
            events, rows = [], []
        return Prepared(events, rows, {"accepted": len(events), "rejected": rejected})

    def commit(self, batches: list[Prepared | list[Any]]) -> tuple[Future, Callable[[], None]]:
        """Store batches (prepared, or raw and validated here) in one go; returns a future of their
        results, resolved once they are committed, and the learning step.

        The caller acknowledges the results when the future resolves and runs
        the learning step at once: an acknowledged event is on disk, and
        learning never delays the reply.
        """
        batches = [b if isinstance(b, Prepared) else self.prepare(b) for b in batches]
        events = [e for b in batches for e in b.events]
        rows = [r for b in batches for r in b.rows]
        self.rejected += sum(len(b.result["rejected"]) for b in batches)
        results: Future = Future()
        stored = self.store.submit(rows) if rows else None
        if stored is None:
            self._acked(results, [b.result for b in batches], None)
        else:
            stored.add_done_callback(partial(self._acked, results, [b.result for b in batches]))
        return results, partial(self._learn, events)

    def _acked(self, results: Future, values: list[dict[str, Any]], stored: Future | None) -> None:
        if stored is not None and stored.exception() is not None:
            results.set_exception(stored.exception())
            return
        self._refresh_counts()
        results.set_result(values)

    def ingest_batches(self, batches: list[list[Any]]) -> list[dict[str, Any]]:
        """Validate, store and learn from raw batches in one go (replay, tests)."""
        results, learn = self.commit(batches)
        learn()
        return results.result()

    def store_events(self, events: list[Event]) -> int:
        """Store already-valid events (text sync, watcher, spool) and learn from them; the privacy
        policy is applied to their URIs here."""
        kept = [Event(e.kind, e.ts, self.policy.apply(e.uri), e.data) if e.uri else e for e in events]
        return self._commit(kept, [(e.ts, e.kind, e.uri, e.data.copy() if e.data else None) for e in kept])

    def ingest_spool(self, raw_events: list[Any], name: str) -> int:
        """A spool file's events, validated like a batch and stored once under the file's name."""
        prepared = self.prepare(raw_events)
        self.rejected += len(prepared.result["rejected"])
        return self._commit(prepared.events, prepared.rows, spool_name=name)

    def _commit(self, events: list[Event], rows: list[Row], spool_name: str | None = None) -> int:
        if not rows and spool_name is None:
            return 0
        written = self.store.insert(rows, spool_name)
        self._refresh_counts()
        if written or spool_name is None:
            self._learn(events)
        return written

    def _learn(self, events: list[Event]) -> None:
        for listener in self.listeners:
            listener(events)
        detector, clock = self.detector, self.clock
        if not events:
            self._refresh(force=False)
            return
        if detector is None:
            clock.see(max(e.ts for e in events))
            self._refresh(force=False)
            return
        newest, observe = clock.newest, detector.observe
        for e in events:  # the clock's late/see rules, inlined: this loop runs once per event
            ts = e.ts
            if newest is not None and ts < newest - LATE_SECONDS:
                continue
            if newest is None or ts > newest:
                newest = ts
            observe(e)
        if newest is not None:
            clock.see(newest)
        self._send(detector.advance(clock.now()))
        self._refresh(force=False)

    def _refresh_counts(self) -> None:
        """Counts are never stale once a batch is acknowledged (called before acknowledging)."""
        with self._snapshot_lock:
            if self.snapshot:
                self.snapshot = {**self.snapshot, "events": {"stored": self.store.count(), "rejected": self.rejected}}

    def _refresh(self, force: bool = True) -> None:
        """Recompute the status snapshot (at most every 50 ms unless forced)."""
        if force or time.monotonic() - self._last_snapshot > 0.05:
            self._last_snapshot = time.monotonic()
            self.status(None)

    # -- time and state -------------------------------------------------------
    def tick(self) -> None:
        """Let time pass: idle detection, autosave, retention."""
        self._refresh()
        if self.detector is not None and time.monotonic() - self._last_save > 60:
            self.save()
        if time.time() - self._last_retention > 3600:
            self.apply_retention()

    def status(self, now: float | None = None) -> dict[str, Any]:
        """The protocol's `pulsedev/status` result, as of the clock (or `now`)."""
        if now is not None:
            self.store.flush()  # a status asked in order counts every batch before it
            if self.clock.newest is None or now >= self.clock.newest:
                self.clock.see(now)
        at = self.clock.now()
        if self.detector is None:
            state = neutral_state(self.started, "stuck, flow and anomaly detection are switched off")
        else:
            self._send(self.detector.advance(at))
            state = self.detector.state(at)
        models = list(self.detector.models_info()) if self.detector is not None else []
        for provider in self.models_info_providers:
            models.extend(provider())
        with self._snapshot_lock:  # the count is read last, so a newer acknowledgement is never undone
            result = {"state": state, "now": at, "events": {"stored": self.store.count(), "rejected": self.rejected},
                      "models": models}
            self.snapshot = result
        return result

    def label(self, state: str, ts: float | None = None) -> None:
        """A self-report, stored as an event and learned from at once."""
        ts = self.clock.now() if ts is None else ts
        self.store_events([Event("self_report", ts, None, MappingProxyType({"state": state}))])

    def feedback(self, suggestion_id: str, helpful: bool) -> None:
        """Suggestion feedback for the learners."""
        if self.detector is not None:
            self.detector.feedback(suggestion_id, helpful)

    # -- housekeeping ---------------------------------------------------------
    def apply_retention(self) -> int:
        """Delete events older than the retention period."""
        self._last_retention = time.time()
        if self.retention_days <= 0:
            return 0
        return self.store.delete(before=time.time() - self.retention_days * DAY)

    def forget(self, before: float | None = None) -> int:
        """Delete stored events (all, or before `before`) and learned state; vacuum."""
        n = self.store.delete(before)
        if before is None and self.detector is not None:
            self.detector.reset()
            self.detector.save()
        self.store.vacuum()
        self._refresh()
        return n

    def save(self) -> None:
        """Persist learned state."""
        self._last_save = time.monotonic()
        if self.detector is not None:
            try:
                self.detector.save()
            except Exception:  # learned state is worth a warning, not a crash
                log.exception("could not save learned state")

    def _send(self, notes: Iterable[tuple[str, dict]]) -> None:
        for method, params in notes:
            self.notify(method, params)
