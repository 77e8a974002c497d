"""TypeEngine: the type-hint service the server holds in `ls.services["types"]`.

A background thread indexes the workspace and loads the persisted model (or
trains one in a low-priority child process, then loads it); `on_change` is
called when the index, the model or the traces change, so the server can send
`workspace/inlayHint/refresh` (the model's file, training child and saved
feedback: modelfile.py).  `hints()` is the fast path: one analysis per
document text (cached by content hash, so hovers and repeated requests cost
nothing; the analysis, its cache and its rendering: dochints.py), then
filtering by the options in force.  Before the index and model
are ready it still answers, from file-local static evidence.  `prefetch()`
analyses a changed document ahead of the request (prefetch.py), unless the
editor asks for that version first.
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import threading
import time
from pathlib import Path

from pulsedev.models.types.collection import CONFIG_FILES, read_collection
from pulsedev.models.types.dochints import document_hints
from pulsedev.models.types.documents import Documents, uri_path
from pulsedev.models.types.feedback import HintFeedback
from pulsedev.models.types.hintfilter import public, wanted
from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.modelfile import (
    held_out,
    load,
    model_file,
    prune,
    start_training,
    workspace_python,
)
from pulsedev.models.types.prefetch import Gate, Prefetcher
from pulsedev.models.types.render import code_action, hide_action
from pulsedev.models.types.target import PROJECT_FILES, target_version
from pulsedev.models.types.traces import TraceStore
from pulsedev.models.types.upkeep import IndexUpkeep

log = logging.getLogger(__name__)


def _freeze_heap() -> None:
    """Keeps what the server now holds for good (the index's trees, the model) out of the cyclic
    collector's full passes, which otherwise paused a hint request for ~200 ms now and then (a
    300-file workspace).  Frozen objects are still freed by reference counting when dropped."""
    gc.freeze()


class TypeEngine:
    """Index, model, traces and a per-document cache of analyses."""

    def __init__(self, root: Path | None, data_dir: Path, python: str | None = None, on_change=None,
                 train: bool = True):
        self.root = Path(root) if root else None
        self.data_dir = Path(data_dir)
        self.python = python or workspace_python(self.root)
        self.target = target_version(self.root, self.python)  # the oldest Python the hints must be valid on
        self.on_change = on_change or (lambda: None)
        self.train_enabled = train
        self.train_delay = float(os.environ.get("PULSEDEV_TYPES_TRAIN_DELAY", "20"))
        self.exclude = os.environ.get("PULSEDEV_TYPES_EXCLUDE", "")  # packages held out of training
        self.index = WorkspaceIndex(self.root)
        self.traces = TraceStore()
        self.model = None
        self.model_path: Path | None = None
        self.training = False
        self.ready = threading.Event()
        self._docs = Documents()
        self._generation = 0
        self._feedback = HintFeedback(self.data_dir / "types" / "feedback.json")
        self._stop = False
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()  # analyses run on the request thread and the prefetch thread
        self._gate = Gate()  # analyses running or waiting: background indexing gives way to them
        self._prefetch = Prefetcher(self._ahead)
        self._proc: subprocess.Popen | None = None
        self._upkeep = IndexUpkeep(self.index, self.root, self._changed, lambda: self._stop, self._gate.pause)

    # -- lifecycle -----------------------------------------------------------------
    def start(self, wait: bool = False) -> None:
        """Starts background indexing and model loading/training; `wait` blocks until both are done."""
        self._thread = threading.Thread(target=self._run, name="pulsedev-types", daemon=True)
        self._thread.start()
        if wait:
            self._thread.join()

    def stop(self) -> None:
        """Stops background work (a running training child is terminated)."""
        self._stop = True
        self._prefetch.stop()
        self._upkeep.stop()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()

    def _run(self) -> None:
        try:
            self.index.build(lambda: self._stop, self._gate.pause)
            self._changed()  # hints with cross-file evidence from here on
            self.index.build_callsites(lambda: self._stop, self._gate.pause)
            if self.exclude:  # only packages the interpreter really has change what the model sees
                self.exclude = held_out(self.exclude, self.python)
            self.model_path = self._model_file()
            if self.model_path.exists():
                self.model = load(self.model_path)
                self._feedback.load(self.model)
            self.training = self.model is None and self.train_enabled
            self._changed()
            self.ready.set()
            _freeze_heap()
            if self.model is None and self.train_enabled:
                # Short-lived servers (tests, one-off checks) never pay for training.
                deadline = time.time() + self.train_delay
                while time.time() < deadline and not self._stop:
                    time.sleep(0.2)
                if not self._stop:
                    self.train()
        except Exception:  # never take the server down
            log.exception("type engine background work failed")
            self.ready.set()

    def _model_file(self) -> Path:
        return model_file(self.data_dir, self.python, self.index.annotated, self.exclude)

    def train(self) -> bool:
        """Trains a model in a low-priority child process and loads it (blocking; background thread)."""
        self.training = True
        try:
            out = self.model_path or self._model_file()
            self._proc = start_training(out, self.python, self.root if self.index.annotated else None, self.exclude)
            _, err = self._proc.communicate()
            if self._proc.returncode != 0:
                log.warning("type model training failed: %s", err.decode(errors="replace")[-500:])
                return False
            model = load(out)
            prune(out.parent, keep=4)
            if model is not None:
                self.model = model
                self._feedback.load(model)
                self._changed()
                _freeze_heap()
            return model is not None
        finally:
            self.training = False

    def _changed(self) -> None:
        self._generation += 1
        try:
            self.on_change()
        except Exception:  # never take the server down
            log.exception("type engine change callback failed")

    def forget(self) -> None:
        """Drops learned state: traces, feedback and persisted models (retrained later from scratch)."""
        self.traces.clear()
        with self._lock:
            self._feedback.clear()
        self.model = None
        folder = self.data_dir / "types"
        for f in list(folder.glob("model-*")) if folder.exists() else []:
            f.unlink(missing_ok=True)
        self._changed()
        if self.train_enabled and not self.training:
            threading.Thread(target=self.train, name="pulsedev-types-train", daemon=True).start()

    # -- inputs ----------------------------------------------------------------------
    def add_traces(self, records: list[dict]) -> None:
        """Spool listener for `trace` records."""
        if self.traces.add(records):
            self._changed()

    def feedback(self, item: dict) -> None:
        """A hint the user accepted or rejected (`pulsedev.typeHintFeedback`'s argument; feedback.py)."""
        with self._lock:  # analyses teach it too (implicit feedback)
            taken = self._feedback.take(self.model, item)
        if taken:
            self._changed()

    def unhide(self) -> int:
        """Shows the hints the user hid again (feedback.py); returns how many were hidden."""
        with self._lock:
            n = self._feedback.unhide()
        self._changed()
        return n

    def saved(self, uri: str, text: str) -> None:
        """A workspace file was saved (see upkeep.py)."""
        path = uri_path(uri)
        if path is not None:
            self._upkeep.saved(path, text)
            self._retarget([path])

    def files_changed(self, paths: list[Path]) -> None:
        """Files changed outside the editor: a checkout, a formatter (see upkeep.py)."""
        self._upkeep.files_changed(paths)
        self._retarget(paths)

    def _retarget(self, paths: list[Path]) -> None:
        """Re-reads what the project's configuration files say: the Python to target, what pytest collects."""
        names = {Path(p).name for p in paths}
        project, pytest = names & set(PROJECT_FILES), names & {file for file, _ in CONFIG_FILES}
        if project:
            self.target = target_version(self.root, self.python)
        if pytest:
            self.index.collection = read_collection(self.root)
        if project or pytest:
            self._changed()

    # -- the fast path ------------------------------------------------------------
    def prefetch(self, uri: str, text: str) -> None:
        """Analyse a changed document in the background, so the hint request finds it ready.

        Call from text sync (didOpen/didChange, debounced); the latest text per URI wins.
        """
        self._prefetch.submit(uri, text)

    def _ahead(self, uri: str, text: str) -> None:
        """The prefetch: the whole document, unless the editor has already asked for this version
        (then it drives, and a whole-file analysis alongside would only slow its next request)."""
        if not self._docs.asked(uri, text, self._generation):
            self._analysis(uri, text)

    def _analysis(self, uri: str, text: str, lines: tuple[int, int] | None = None) -> tuple[object, list[dict]]:
        """Hints of a document version (for `lines` only when given), cached per content and range."""
        with self._gate.busy(), self._lock:
            return document_hints(self, uri, text, lines)

    def hints(self, uri: str, text: str, version: int | None = None, options=None, range_=None) -> list[dict]:
        """InlayHint dicts for a document, filtered by threshold, per-kind toggles and range."""
        lines = (range_["start"]["line"], range_["end"]["line"]) if range_ else None
        _, hints = self._analysis(uri, text, lines)
        return [public(h) for h in hints if wanted(h, options, range_)]

    def code_actions(self, uri: str, text: str, range_: dict, options=None) -> list[dict]:
        """For each hint within `range_` (a line range): a quickfix inserting its annotation, and one hiding it."""
        lo, hi = range_["start"]["line"], range_["end"]["line"]
        _, hints = self._analysis(uri, text, (lo, hi))
        return [action for h in hints if lo <= h["position"]["line"] <= hi and wanted(h, options, None)
                for action in (code_action(uri, public(h)), hide_action(uri, h["label"], h["_slot"]))]

    def status(self) -> dict:
        """Readiness for clients and the evaluation."""
        return {"ready": self.ready.is_set() and not self.training, "indexed": self.index.ready,
                "model": self.model is not None, "training": self.training, "tracedFunctions": len(self.traces)}

    def models_info(self) -> list[dict]:
        """The `pulsedev/status` "models" entry."""
        if self.model is None:
            return []
        return [{"name": "types", "version": 1, "trained_at": self.model.trained_at,
                 "samples": self.model.samples, "metrics": dict(self.model.metrics)}]
