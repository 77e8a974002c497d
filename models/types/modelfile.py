"""The persisted type model of a workspace: its file and training it.

The file name is a key over the model and feature versions, a digest of this
package's source (a changed rule never meets an old model), the interpreter,
the workspace's annotated packages and the packages held out of training.
Training runs `pulsedev.models.types.train` in a low-priority child process
that dies with the server; only the newest few models are kept (what feedback
taught outlives them: feedback.py).
`workspace_python` picks the interpreter whose packages the model learns from.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from pulsedev.models.types.corpus import site_dirs
from pulsedev.models.types.features import FEATURES_VERSION
from pulsedev.models.types.model import MODEL_VERSION


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
