"""TypeEngine: the type-hint service the server holds in `ls.services["types"]`.

A background thread indexes the workspace and loads the persisted model (or
trains one in a low-priority child process, then loads it); `on_change` is
called when the index, the model or the traces change, so the server can send
`workspace/inlayHint/refresh`.  `hints()` is the fast path: one analysis per
document text (cached by content hash, so hovers and repeated requests cost
nothing), then filtering by the options in force.  Before the index and model
are ready it still answers, from file-local static evidence.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.incremental import DocumentMemo
from pulsedev.models.types.index import WorkspaceIndex, module_name
from pulsedev.models.types.corpus import site_dirs
from pulsedev.models.types.features import FEATURES_VERSION
from pulsedev.models.types.model import MODEL_VERSION, load
from pulsedev.models.types.render import code_action, hint
from pulsedev.models.types.traces import TraceStore
from pulsedev.models.types.typetext import canonical, normalize

log = logging.getLogger(__name__)
MAX_CACHE = 64
PREFETCH_DELAY = 0.03  # seconds the background analysis of a changed document waits for a request


def uri_path(uri: str) -> Path | None:
    """The local path of a file:// URI."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def workspace_python(root: Path | None) -> str:
    """The workspace's interpreter: its .venv/venv if any, else the active virtualenv, else ours."""
    if root is not None:
        for name in (".venv", "venv", "env"):
            for rel in ("bin/python", "Scripts/python.exe"):
                p = root / name / rel
                if p.exists():
                    return str(p)
    venv = os.environ.get("VIRTUAL_ENV")
    if venv and (Path(venv) / "bin" / "python").exists():
        return str(Path(venv) / "bin" / "python")
    return sys.executable


class TypeEngine:
    """Index, model, traces and a per-document cache of analyses."""

    def __init__(self, root: Path | None, data_dir: Path, python: str | None = None, on_change=None,
                 train: bool = True):
        self.root = Path(root) if root else None
        self.data_dir = Path(data_dir)
        self.python = python or workspace_python(self.root)
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
        self._cache: dict[str, dict] = {}  # uri -> {"digest", "gen", "ranges": {lines: (analysis, hints)}}
        self._memos: dict[str, DocumentMemo] = {}  # uri -> what the last analysis leaves for the next edit
        self._generation = 0
        self._shown: dict[str, dict] = {}  # uri -> slot key -> (type shown, features); memory only
        self._stop = False
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()  # analyses run on the request thread and the prefetch thread
        self._busy = 0  # analyses running or waiting (background indexing gives way to them)
        self._idle = threading.Event()
        self._idle.set()
        self._count_lock = threading.Lock()
        self._pending: dict[str, str] = {}  # uri -> latest text to analyse ahead of the request
        self._wake = threading.Condition()
        self._prefetcher: threading.Thread | None = None
        self._proc: subprocess.Popen | None = None

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
        with self._wake:
            self._wake.notify_all()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()

    def _run(self) -> None:
        try:
            self.index.build(lambda: self._stop, self._yield_to_requests)
            if self.exclude:  # only packages the interpreter really has change what the model sees
                sites = site_dirs(self.python)
                self.exclude = ",".join(sorted(
                    n for n in self.exclude.split(",")
                    if n and any((d / n).exists() or (d / f"{n}.py").exists() for d in sites)))
            self.model_path = self._model_file()
            if self.model_path.exists():
                self.model = load(self.model_path)
                self._load_penalties()
            self.training = self.model is None and self.train_enabled
            self._changed()
            self.ready.set()
            if self.model is None and self.train_enabled:
                # Short-lived servers (tests, one-off checks) never pay for training.
                deadline = time.time() + self.train_delay
                while time.time() < deadline and not self._stop:
                    time.sleep(0.2)
                if not self._stop:
                    self.train()
        except Exception:  # noqa: BLE001 - never take the server down
            log.exception("type engine background work failed")
            self.ready.set()

    def _model_file(self) -> Path:
        # The code that computes features is part of the key: a changed rule never meets an old model.
        key = (f"{MODEL_VERSION}|{FEATURES_VERSION}|{_code_signature()}|{self.python}|{sorted(self.index.annotated)}"
               f"|{self.exclude}")
        sig = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.data_dir / "types" / f"model-{sig}.skops"

    def train(self) -> bool:
        """Trains a model in a low-priority child process and loads it (blocking; background thread)."""
        self.training = True
        try:
            out = self.model_path or self._model_file()
            cmd = [sys.executable, "-m", "pulsedev.models.types.train", "--out", str(out), "--python", self.python]
            if self.index.annotated and self.root is not None:
                cmd += ["--root", str(self.root)]
            if self.exclude:
                cmd += ["--exclude", self.exclude]
            self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                          preexec_fn=_child_setup if os.name == "posix" else None)
            _, err = self._proc.communicate()
            if self._proc.returncode != 0:
                log.warning("type model training failed: %s", err.decode(errors="replace")[-500:])
                return False
            model = load(out)
            _prune(out.parent, keep=4)
            if model is not None:
                self.model = model
                self._load_penalties()
                self._changed()
            return model is not None
        finally:
            self.training = False

    def _penalties_file(self) -> Path:
        return (self.model_path or self._model_file()).with_suffix(".feedback.json")

    def _load_penalties(self) -> None:
        try:
            data = json.loads(self._penalties_file().read_text())
            self.model.penalties.update({str(k): float(v) for k, v in data.items()})
        except (OSError, ValueError, AttributeError):
            pass

    def _save_penalties(self) -> None:
        """Persists what feedback taught (type text -> factor; no paths, no code)."""
        try:
            f = self._penalties_file()
            f.parent.mkdir(parents=True, exist_ok=True)
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.model.penalties))
            tmp.replace(f)
        except OSError:
            log.warning("could not save type feedback")

    def _changed(self) -> None:
        self._generation += 1
        try:
            self.on_change()
        except Exception:  # noqa: BLE001
            log.exception("type engine change callback failed")

    def forget(self) -> None:
        """Drops learned state: traces, feedback and persisted models (retrained later from scratch)."""
        self.traces.clear()
        self._shown.clear()
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
        """Accepted/rejected hint: `{"uri", "line", "character", "label", "accepted"}`."""
        if self.model is None:
            return
        label = str(item.get("label", "")).removeprefix("->").removeprefix(":").strip()
        self.model.learn_feedback({}, label, bool(item.get("accepted")))
        self._save_penalties()
        self._changed()

    # -- the fast path ------------------------------------------------------------
    def prefetch(self, uri: str, text: str) -> None:
        """Analyse a changed document in the background, so the hint request finds it ready.

        Call from text sync (didOpen/didChange, debounced); the latest text per URI wins.
        """
        with self._wake:
            self._pending[uri] = text
            self._wake.notify()
        if self._prefetcher is None:
            self._prefetcher = threading.Thread(target=self._prefetch_loop, name="pulsedev-types-prefetch", daemon=True)
            self._prefetcher.start()

    def _prefetch_loop(self) -> None:
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
                self._analysis(uri, text)
            except Exception:  # noqa: BLE001 - a background nicety must never fail loudly
                log.exception("type prefetch failed")

    def _analysis(self, uri: str, text: str, lines: tuple[int, int] | None = None) -> tuple[object, list[dict]]:
        """Hints of a document version (for `lines` only when given), cached per content and range."""
        with self._count_lock:
            self._busy += 1
            self._idle.clear()
        try:
            with self._lock:
                return self._analysis_locked(uri, text, lines)
        finally:
            with self._count_lock:
                self._busy -= 1
                if not self._busy:
                    self._idle.set()

    def _yield_to_requests(self) -> None:
        """Background indexing waits (a little) while an analysis runs: hints first."""
        if self._busy:
            self._idle.wait(0.5)

    def _analysis_locked(self, uri: str, text: str, lines: tuple[int, int] | None) -> tuple[object, list[dict]]:
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        entry = self._cache.get(uri)
        if entry is None or entry["digest"] != digest or entry["gen"] != self._generation:
            entry = {"digest": digest, "gen": self._generation, "ranges": {}}
            self._cache.pop(uri, None)
            if len(self._cache) >= MAX_CACHE:
                self._cache.pop(next(iter(self._cache)))
            self._cache[uri] = entry
        ranges = entry["ranges"]
        if None in ranges:
            return ranges[None]
        if lines in ranges:
            return ranges[lines]
        if lines is not None and lines[0] <= 0 and lines[1] >= text.count("\n"):
            lines = None  # the whole file
        a = entry.get("whole")  # this version's whole-file analysis, rendered per range asked for
        if a is None:
            a = self._analyze(uri, text, lines)
            if not a.partial:
                entry["whole"] = a
        hints = self._render(uri, a, None if a.partial else lines)
        if len(ranges) >= 8:
            ranges.pop(next(iter(ranges)))
        ranges[lines] = (a, hints)
        return a, hints

    def _analyze(self, uri: str, text: str, lines: tuple[int, int] | None):
        """A fresh analysis (of `lines` only when given), re-inferring only what changed since the last one."""
        path = uri_path(uri)
        module = module_name(self.root, path) if self.root and path else (path.stem if path else "")
        memo = self._memos.get(uri)
        if memo is None:
            memo = self._memos[uri] = DocumentMemo()
            if len(self._memos) > MAX_CACHE:
                self._memos.pop(next(iter(self._memos)))
        memo.salt = f"{self._generation}|{self.index.ready}"
        a = analyze(text, module, self.index if self.index.ready else None, self.model, self.traces,
                    str(path.resolve()) if path else None, lines, memo)
        a.partial = lines is not None
        self._implicit_feedback(uri, a)
        return a

    def _render(self, uri: str, a, lines: tuple[int, int] | None) -> list[dict]:
        """Hint dicts of an analysis' predictions (on `lines` only when given)."""
        hints, shown = [], self._shown.setdefault(uri, {})
        for r in a.results:
            if r.prediction is None or (lines is not None and not lines[0] <= r.slot.line <= lines[1]):
                continue
            h = hint(r, a.ctx, a.ctx.tree, self.index)
            if h is not None:
                h["_kind"] = r.slot.kind
                hints.append(h)
                shown[r.slot.key] = (r.prediction.type, r.features)
        return hints

    def _implicit_feedback(self, uri: str, a) -> None:
        """A shown hint whose slot is now annotated: accepted if with the same type, else rejected."""
        shown = self._shown.get(uri)
        if not shown or a.ctx is None or self.model is None:
            return
        for slot in a.annotated:
            if slot.key in shown:
                typ, feats = shown.pop(slot.key)
                self.model.learn_feedback(feats, typ, canonical(typ) == canonical(normalize(slot.annotation)))
                self._save_penalties()

    def hints(self, uri: str, text: str, version: int | None = None, options=None, range_=None) -> list[dict]:
        """InlayHint dicts for a document, filtered by threshold, per-kind toggles and range."""
        lines = (range_["start"]["line"], range_["end"]["line"]) if range_ else None
        _, hints = self._analysis(uri, text, lines)
        return [_public(h) for h in hints if _wanted(h, options, range_)]

    def code_actions(self, uri: str, text: str, range_: dict, options=None) -> list[dict]:
        """Quickfix actions inserting the annotations of the hints within `range_` (a line range)."""
        lo, hi = range_["start"]["line"], range_["end"]["line"]
        _, hints = self._analysis(uri, text, (lo, hi))
        return [code_action(uri, _public(h)) for h in hints
                if lo <= h["position"]["line"] <= hi and _wanted(h, options, None)]

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


def _prune(folder: Path, keep: int) -> None:
    """Deletes all but the newest `keep` models (one per interpreter and workspace signature)."""
    models = sorted(folder.glob("model-*.skops"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        for f in (old, old.with_suffix(".feedback.json")):
            f.unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def _code_signature() -> str:
    """A digest of this package's source (models/types): what the features and rules are."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _child_setup() -> None:
    """In the training child: low priority, and die with the server (Linux PR_SET_PDEATHSIG)."""
    os.nice(10)
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _public(h: dict) -> dict:
    return {k: v for k, v in h.items() if not k.startswith("_")}


def _wanted(h: dict, options, range_) -> bool:
    kind = h["_kind"]
    if options is not None:
        if h["data"]["confidence"] < options.thresholds.typeHintConfidence:
            return False
        toggles = options.hints
        if (kind == "parameter" and not toggles.parameters) or (kind == "return" and not toggles.returns) \
                or (kind == "variable" and not toggles.variables):
            return False
        if kind == "return" and h["label"] == "-> None" and not toggles.noneReturns:
            return False
    if range_ is not None:
        line = h["position"]["line"]
        if line < range_["start"]["line"] or line > range_["end"]["line"]:
            return False
    return True


def dumps(obj) -> str:
    """JSON text of a value (for debugging and scripts)."""
    return json.dumps(obj, indent=1, default=str)
