"""The runtime: what a running server has open, built from its settings.

The store, the privacy policy, the detector, the pipeline on its worker
thread, the text-sync tracker, the workspace watcher and the spool.  Handlers
reach the domain through these few methods; none of them blocks the loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Any

from .models.retrain import retrain
from .models.training import Trainer, TrainingLog
from .options import Options
from .progress import Progress
from .telemetry import spool as spooling
from .telemetry.events import Event
from .telemetry.pipeline import Pipeline
from .telemetry.privacy import PathPolicy
from .telemetry.store import SQLiteStore, read_events
from .telemetry.textsync import DocumentTracker
from .telemetry.watcher import WorkspaceWatcher
from .telemetry.worker import Worker

log = logging.getLogger(__name__)

AUTOTRAIN_EVERY = 6 * 3600.0
AUTOTRAIN_MIN_EVENTS = 2000


def make_detector(options: Options, data_dir: Path):
    """The learners, or None when every one of them is switched off (then they cost nothing)."""
    f = options.features
    if not (f.stuck or f.flow or f.anomaly):
        return None
    try:
        from .models.detector import Detector

        return Detector(options, data_dir / "models" / "detector.json" if data_dir else None)
    except Exception:  # a broken learner degrades to telemetry only, never a dead server
        log.exception("state detection unavailable; telemetry goes on without it")
        return None


class Runtime:
    """Everything a server has open for one data dir."""

    def __init__(self, ls, options: Options, root: Path | None, watch: bool = True):
        self.ls = ls
        self.options = options
        self.root = root
        self.data_dir = options.data_dir
        self.store = SQLiteStore(self.data_dir, writer=True)
        self.policy = PathPolicy(options.privacy.paths, self.store.secret("path-salt"), root)
        self.pipeline = Pipeline(self.store, self.policy, None,
                                 notify=ls.send, retention_days=options.privacy.retentionDays)
        self.worker = Worker(self.pipeline.commit, idle=self._idle)
        self.tracker = DocumentTracker()
        self.spool = spooling.spool_dir(self.data_dir)
        self.watcher: WorkspaceWatcher | None = None
        self.progress = Progress(ls)
        self.trainer = Trainer(TrainingLog(self.data_dir / "training.jsonl"), on_progress=self.progress.report,
                               on_done=self._trained)
        self._spool_pending = threading.Event()
        self._started = time.time()
        # The learners (river takes about a second to import) load on the worker, first: the
        # LSP loop answers meanwhile, and every event still reaches them.
        self.worker.submit(self._swap_detector, options)
        self.worker.submit(self.pipeline.apply_retention)
        self.worker.submit(self.pipeline.status, None)
        self.worker.submit(self.ingest_spool)
        if watch:
            self.watcher = WorkspaceWatcher(root, self.spool, self.submit_events, self._spool_arrived,
                                            self.tracker.is_open, self._file_changed)
            threading.Thread(target=self._start_watcher, name="pulsedev-watch", daemon=True).start()

    @property
    def telemetry_on(self) -> bool:
        """Whether events are stored at all (features.telemetry)."""
        return self.options.features.telemetry

    # -- events in ------------------------------------------------------------
    async def ingest(self, raw_events: list[Any]) -> dict[str, Any]:
        """Validate, store and learn on the worker; reply once committed."""
        if not self.telemetry_on:
            reason = "telemetry is switched off (features.telemetry); nothing is stored"
            return {"accepted": 0, "rejected": [{"index": i, "reason": reason} for i in range(len(raw_events))]}
        return await asyncio.wrap_future(self.worker.submit_grouped(raw_events))

    def submit_events(self, events: list[Event]) -> None:
        """Server-derived events (text sync, watcher): stored and learned, in order."""
        if events and self.telemetry_on:
            self.worker.submit(self.pipeline.store_events, events)

    async def status(self, now: float | None) -> dict[str, Any]:
        """`pulsedev/status`: with `now`, in order after every batch received before it; without,
        at once from the worker's latest snapshot (at most ~1 s old), so a burst never delays it."""
        if now is not None or not self.pipeline.snapshot:
            result = await asyncio.wrap_future(self.worker.submit(self.pipeline.status, now))
        else:
            result = self.pipeline.snapshot
        return {**result, "training": self.trainer.state()}

    async def run(self, fn, *args) -> Any:
        """Run a pipeline method on the worker and await it."""
        return await asyncio.wrap_future(self.worker.submit(fn, *args))

    # -- spool ------------------------------------------------------------------
    def _spool_arrived(self) -> None:
        if not self._spool_pending.is_set():
            self._spool_pending.set()
            self.worker.submit(self.ingest_spool)

    def ingest_spool(self) -> int:
        """Claim and ingest every complete spool file (on the worker)."""
        self._spool_pending.clear()
        ingested = 0
        for path in spooling.claim(self.spool):
            parsed = spooling.read(path)
            if self.store.spool_seen(parsed.name):
                spooling.done(path)
                continue
            self.pipeline.ingest_spool(parsed.events if self.telemetry_on else [], parsed.name)
            for record_type, records in parsed.records.items():
                for listener in self.ls.spool_listeners(record_type):
                    try:
                        listener(records)
                    except Exception:
                        log.exception("spool listener for %r failed", record_type)
            spooling.done(path)
            ingested += 1
        return ingested

    # -- training ---------------------------------------------------------------------
    def trainer_jobs(self) -> dict:
        """The jobs that can run now: the detector's, and the type model's while types are on."""
        jobs = {}
        if self.pipeline.detector is not None:
            jobs["detector"] = self._train_detector
        types_engine = self.ls.services.get("types")
        if types_engine is not None:
            jobs["types"] = lambda progress: {"accepted": bool(types_engine.train())}
        return jobs

    def train(self, names: list[str] | None = None) -> list[str]:
        """Start training in the background; the names started ([] when a run is under way)."""
        self.trainer.jobs = self.trainer_jobs()
        return self.trainer.start(names)

    def _train_detector(self, progress) -> dict:
        from .models.detector import Detector

        horizon = self.options.privacy.retentionDays * 86400.0
        events = read_events(self.store.path, since=(self.pipeline.clock.now() - horizon) if horizon else None)
        options = self.options
        result, detector = retrain(lambda: Detector(options, None), events, progress)
        if detector is not None:
            self.worker.submit(self._swap_trained, detector, events[-1].ts if events else 0.0)
        return result

    def _swap_trained(self, detector, upto: float) -> None:
        """On the worker: catch up with what arrived while training ran, then take over."""
        for event in self.store.events(since=upto):
            if event.ts > upto:
                detector.observe(event)
        detector.state_path = self.data_dir / "models" / "detector.json"
        self.pipeline.detector = detector
        self.pipeline.save()
        self.pipeline.status(None)

    def _trained(self, results: list[dict]) -> None:
        for r in results:
            log.info("trained %s: %s", r.get("model"), "accepted" if r.get("accepted") else r.get("reason"))

    # -- housekeeping ---------------------------------------------------------------
    def _idle(self) -> None:
        self.pipeline.tick()
        if self._spool_pending.is_set():
            self.ingest_spool()
        self._maybe_autotrain()

    def _maybe_autotrain(self) -> None:
        """Retrain while the developer is idle, at most every 6 hours, once there is history."""
        if not self.options.features.autoTrain or self.trainer.running or self.pipeline.detector is None:
            return
        state = self.pipeline.snapshot.get("state", {}).get("state")
        last = self.trainer.last or self._started
        if state == "idle" and time.time() - last > AUTOTRAIN_EVERY and self.store.count() >= AUTOTRAIN_MIN_EVENTS:
            self.train(["detector"])

    def _file_changed(self, path: Path) -> None:
        for listener in self.ls.file_listeners():
            listener(path)

    def _start_watcher(self) -> None:
        try:
            self.watcher.start()
        except Exception as exc:
            self.ls.tell_user_once("watch",
                                   f"cannot watch the workspace ({exc}); commits and external edits are not seen")

    def close(self) -> None:
        """Stop watching, finish queued work, save learned state, close the store."""
        if self.watcher:
            self.watcher.stop()
        self.worker.submit(self.pipeline.save)
        self.worker.stop()
        self.store.close()

    def reconfigure(self, options: Options) -> bool:
        """Apply new settings in place; False when they need a new runtime (data dir, path policy)."""
        if options.data_dir != self.data_dir or options.privacy.paths != self.options.privacy.paths:
            return False
        old, self.options = self.options, options
        self.pipeline.retention_days = options.privacy.retentionDays
        f_old, f_new = old.features, options.features
        if (f_old.stuck, f_old.flow, f_old.anomaly) != (f_new.stuck, f_new.flow, f_new.anomaly):
            self.worker.submit(self._swap_detector, options)
        else:
            self.worker.submit(self._configure_detector, options)
        return True

    def _configure_detector(self, options: Options) -> None:
        if self.pipeline.detector is not None:
            self.pipeline.detector.configure(options)

    def _swap_detector(self, options: Options) -> None:
        self.pipeline.save()
        self.pipeline.detector = make_detector(options, self.data_dir)
