"""The persisted type model of a workspace: its file, saving and loading it, and training it.

The file name is a key over the model and feature versions, a digest of this
package's source (a changed rule never meets an old model), the interpreter,
the workspace's annotated packages and the packages held out of training.
Training runs `pulsedev.models.types.train` in a low-priority child process
that dies with the server; only the newest few models are kept (what feedback
taught outlives them: feedback.py).  `save` writes a model with skops (no
pickle) and `load` refuses a file holding any type outside `TRUSTED`: about
17 MB on this machine's site-packages, kept under 20 MB (`MAX_FILE_BYTES`).
`workspace_python` picks the interpreter whose packages the model learns from.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from pulsedev.models.types import model as type_model
from pulsedev.models.types.calibration import Calibrator
from pulsedev.models.types.corpus import site_dirs
from pulsedev.models.types.difficulty import Difficulty
from pulsedev.models.types.features import FEATURES_VERSION
from pulsedev.models.types.model import MODEL_VERSION, PRUNE_BELOW, TypeModel
from pulsedev.models.types.views import VIEWS, Views

#: The saved file's budget: a model whose file would be larger (a corpus of very many packages) is
#: pruned harder, its threshold doubled until it fits.  About 17 MB here with 45 packages, 18 MB with 105.
MAX_FILE_BYTES = 19_500_000


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


def held_out(exclude: str, python: str) -> str:
    """The packages of `exclude` (comma-separated) that `python` really has, sorted and comma-separated.

    Only packages the interpreter has change what the model sees.
    """
    sites = site_dirs(python)
    return ",".join(sorted(
        n for n in exclude.split(",")
        if n and any((d / n).exists() or (d / f"{n}.py").exists() for d in sites)))


def model_file(data_dir: Path, python: str, annotated, exclude: str) -> Path:
    """Where the model for this code, interpreter, workspace (`annotated` packages) and held-out set lives."""
    # The code that computes features is part of the key: a changed rule never meets an old model.
    key = (f"{MODEL_VERSION}|{FEATURES_VERSION}|{code_signature()}|{python}|{sorted(annotated)}"
           f"|{exclude}")
    sig = hashlib.sha256(key.encode()).hexdigest()[:16]
    return data_dir / "types" / f"model-{sig}.skops"


def start_training(out: Path, python: str, root: Path | None, exclude: str) -> subprocess.Popen:
    """Starts the low-priority training child writing `out` (`root`: the workspace's packages join in)."""
    cmd = [sys.executable, "-m", "pulsedev.models.types.train", "--out", str(out), "--python", python]
    if root is not None:
        cmd += ["--root", str(root)]
    if exclude:
        cmd += ["--exclude", exclude]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=_child_setup if os.name == "posix" else None)


def prune(folder: Path, keep: int) -> None:
    """Deletes all but the newest `keep` models (one per interpreter and workspace signature)."""
    models = sorted(folder.glob("model-*.skops"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[keep:]:
        for f in (old, old.with_suffix(".feedback.json")):  # (where feedback was kept before feedback.json)
            f.unlink(missing_ok=True)


@functools.lru_cache(maxsize=1)
def code_signature() -> str:
    """A digest of this package's source (models/types): what the features and rules are."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _child_setup() -> None:
    """In the training child: idle priority (runs only on CPU nobody else wants), and die with the server
    (Linux PR_SET_PDEATHSIG)."""
    os.nice(19)
    with contextlib.suppress(OSError, AttributeError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


TRUSTED = ["sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
           "sklearn.linear_model._logistic.LogisticRegression",
           "sklearn.isotonic.IsotonicRegression", "numpy.float32", "numpy.float64", "numpy.dtype",
           "builtins.float", "scipy.interpolate._interpolate.interp1d",
           # the calibrator's gradient-boosted trees (partial only ever wraps check_array: any other
           # function it wrapped would be listed as untrusted itself and refused)
           "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
           "sklearn.utils.validation.check_array", "functools.partial"]


def save(model: TypeModel, path: Path, max_bytes: int = MAX_FILE_BYTES) -> None:
    """Writes the model with skops (atomic rename), pruning it (in place) harder while its file is over
    `max_bytes`."""
    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    below = PRUNE_BELOW
    while True:
        state = {"version": MODEL_VERSION, "vectorizer": model.vectorizer, "clf": model.clf,
                 "calibrator": model.calibrator.state() if model.calibrator is not None else None,
                 "trained_at": model.trained_at, "samples": model.samples,
                 "metrics": model.metrics, "penalties": model.penalties,
                 "views": list(model.views.fitted),
                 "difficulty": model.difficulty.state() if model.difficulty is not None else None}
        sio.dump(state, tmp, compression=zipfile.ZIP_DEFLATED)  # the feature names' JSON shrinks tenfold
        if tmp.stat().st_size <= max_bytes or not model.vectorizer.feature_names_:
            break
        below *= 2
        type_model.prune(model.vectorizer, [model.clf, *model.views.fitted], below)
        if model.difficulty is not None:
            type_model.prune(model.difficulty.vectorizer, [model.difficulty.clf], below)
        model.metrics["pruned_below"] = below
    tmp.replace(path)


def load(path: Path) -> TypeModel | None:
    """Reads a model written by `save`; refuses files holding any type outside a fixed allowlist."""
    import skops.io as sio
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    try:
        untrusted = sio.get_untrusted_types(file=path)
        if any(t not in TRUSTED for t in untrusted):
            return None
        state = sio.load(path, trusted=untrusted)
    except Exception:  # a damaged or foreign file is simply not used
        return None
    need = {"vectorizer": DictVectorizer, "clf": LogisticRegression}
    if not isinstance(state, dict) or state.get("version") != MODEL_VERSION or any(
            not isinstance(state.get(k), t) for k, t in need.items()):
        return None
    views = state.get("views")
    if not isinstance(views, list) or len(views) != len(VIEWS) or any(
            not isinstance(v, LogisticRegression) for v in views):
        return None
    try:
        calibrator = Calibrator.from_state(state["calibrator"]) if state.get("calibrator") else None
    except (KeyError, TypeError, AttributeError):
        return None
    saved = state.get("difficulty")
    difficulty = Difficulty.from_state(saved) if saved is not None else None
    if saved is not None and difficulty is None:
        return None
    return TypeModel(state["vectorizer"], state["clf"], calibrator, Views(views), state["trained_at"],
                     state["samples"], state["metrics"], state.get("penalties", {}), difficulty)
