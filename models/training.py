"""Background training: named jobs run one at a time on a low-priority thread,
each behind its own validation gate, with progress and a training log.

A job is `fn(progress) -> dict` where `progress(fraction, message)` reports
and the dict says what happened: `{"accepted": bool, "metrics": {...},
"samples": n, "reason": "..."}` — `accepted` False means the gate kept the
old model.  Every run appends one JSON line per job to `training.jsonl` in
the data dir (the training log), so a user can see what was trained when and
why a model was or was not replaced.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
Job = Callable[[Progress], dict]


class TrainingLog:
    """Append-only JSON lines of training runs."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, entry: dict[str, Any]) -> None:
        """Add one entry."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, separators=(",", ":"), default=str) + "\n")

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first (a damaged line is skipped)."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out


class Trainer:
    """Runs registered jobs in the background; at most one run at a time.

    >>> import tempfile, pathlib
    >>> t = Trainer(TrainingLog(pathlib.Path(tempfile.mkdtemp()) / "training.jsonl"))
    >>> t.register("toy", lambda progress: {"accepted": True, "samples": 3, "metrics": {"f1": 0.9}})
    >>> t.start(wait=True)
    ['toy']
    >>> [(e["model"], e["accepted"]) for e in t.log.entries()]
    [('toy', True)]
    """

    def __init__(self, log: TrainingLog, on_progress: Callable[[str, float, str], None] | None = None,
                 on_done: Callable[[list[dict]], None] | None = None):
        self.log = log
        self.jobs: dict[str, Job] = {}
        self.on_progress = on_progress or (lambda name, fraction, message: None)
        self.on_done = on_done or (lambda results: None)
        self.running = False
        self.last: float | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def register(self, name: str, job: Job) -> None:
        """Add (or replace) a named job."""
        self.jobs[name] = job

    def state(self) -> dict[str, Any]:
        """`{"running", "last"}` for `pulsedev/status`."""
        return {"running": self.running, "last": self.last}

    def start(self, names: list[str] | None = None, wait: bool = False) -> list[str]:
        """Start the named jobs (all when None); returns the ones started, [] if a run is under way."""
        chosen = [n for n in (names or list(self.jobs)) if n in self.jobs]
        with self._lock:
            if self.running or not chosen:
                return []
            self.running = True
        self._thread = threading.Thread(target=self._run, args=(chosen,), name="pulsedev-train", daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()
        return chosen

    def _run(self, names: list[str]) -> None:
        results = []
        try:
            for i, name in enumerate(names):
                started = time.time()

                def progress(fraction: float, message: str, i=i, name=name) -> None:
                    self.on_progress(name, (i + max(0.0, min(1.0, fraction))) / len(names), message)

                progress(0.0, f"training {name}")
                try:
                    result = dict(self.jobs[name](progress))
                except Exception as exc:  # a failed job keeps the old model
                    log.exception("training %s failed", name)
                    result = {"accepted": False, "reason": f"failed: {exc}"}
                result.update(model=name, started=started, seconds=round(time.time() - started, 2))
                result.setdefault("accepted", False)
                self.log.append(result)
                results.append(result)
        finally:
            self.last = time.time()
            self.running = False
            self.on_progress("training", 1.0, "done")
            self.on_done(results)
