"""Persistence of learned state and the shipped priors.

Everything is JSON: the priors in `pulsedev/models/prior/*.json` and the
detector's state file (learners + running window state).  Writes are atomic
(temp file + `os.replace`); a missing, damaged or foreign file loads as
None with a logged warning, never an exception, and nothing is unpickled.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

PRIOR_DIR = Path(__file__).parent / "prior"
STATE_FORMAT = 1


@cache
def _prior_text(name: str) -> str | None:
    path = PRIOR_DIR / f"{name}.json"
    try:
        return path.read_text()
    except OSError:
        log.warning("no shipped prior %s; starting from scratch", path)
        return None


def load_prior(name: str) -> dict | None:
    """The shipped prior model `name` (a fresh dict each call), or None."""
    text = _prior_text(name)
    if text is None:
        return None
    try:
        prior = json.loads(text)
        if not isinstance(prior, dict) or not isinstance(prior.get("weights"), dict):
            raise ValueError("not a prior model")
        return prior
    except ValueError as exc:
        log.warning("shipped prior %s is damaged (%s); starting from scratch", name, exc)
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def dump_learner(model: Any) -> dict:
    """A learner's learned state (its `_state_attrs`) as JSON-ready data."""
    return {"class": type(model).__name__, "state": {a: _plain(getattr(model, a)) for a in model._state_attrs}}


def restore_learner(model: Any, data: Any) -> bool:
    """Put `dump_learner` output back into a fresh `model`; False (unchanged) if it does not fit."""
    if not isinstance(data, dict) or data.get("class") != type(model).__name__:
        return False
    state = data.get("state")
    if not isinstance(state, dict) or set(state) != set(model._state_attrs):
        return False
    for attr, value in state.items():
        current = getattr(model, attr)
        if current is not None and value is not None and type(current) is not type(value) \
                and not (isinstance(current, (int, float)) and isinstance(value, (int, float))):
            return False
    for attr, value in state.items():
        setattr(model, attr, value)
    if hasattr(model, "_inv"):
        model._inv = {}
    if hasattr(model, "_ref"):
        model._ref = None
    return True


def save_state(path: Path, state: dict) -> None:
    """Write `state` as JSON to `path` atomically (temp file, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as fh:
            json.dump({"format": STATE_FORMAT, **state}, fh, separators=(",", ":"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_state(path: Path | None) -> dict | None:
    """The saved state at `path`, or None (with a warning when it exists but is damaged)."""
    if path is None:
        return None
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cannot read learned state %s (%s); using the defaults", path, exc)
        return None
    try:
        state = json.loads(text)
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise ValueError("unknown format")
        return state
    except ValueError as exc:
        log.warning("learned state %s is damaged (%s); using the defaults", path, exc)
        return None
