"""What a `Detector` keeps across restarts: the dict `dump` gives and `restore` reads back.

One JSON document (written atomically by `registry.save_state`): the window
features' running state, each learner's state (`registry.dump_learner`), and
the detector's own: the next tick, the state and since when, where activity
resumed after the last break, the smoothed scores, labels and the recent ticks
a label applies to.  `restore` raises on a document that does not fit, so the
detector falls back to the shipped prior with a warning.
"""

from __future__ import annotations

import itertools
import logging
import time
from typing import TYPE_CHECKING, Any

from pulsedev.models import registry
from pulsedev.models.features import WindowFeatures

if TYPE_CHECKING:
    from pulsedev.models.detector import Detector

log = logging.getLogger(__name__)

_STATES = ("flow", "stuck", "neutral")


def _learners(det: Detector) -> tuple[tuple[str, Any], ...]:
    return ("stuck", det.stuck), ("flow", det.flow), ("anomaly", det.anomaly)


def dump(det: Detector) -> dict:
    """The detector's state as a JSON-ready dict."""
    return {
        "saved_at": time.time(),
        "features": det.wf.to_state(),
        "learners": {name: registry.dump_learner(model) for name, model in _learners(det)},
        "detector": {"next_tick": det.next_tick, "tick_state": det.tick_state, "tick_since": det.tick_since,
                     "resumed": det.resumed, "gap": list(det.gap) if det.gap else None,
                     "suggested_episode": det.suggested_episode,
                     "ps": det.ps, "pf": det.pf, "an": det.an, "labels": det.labels, "x": det.x,
                     "reports": det.reports,
                     "history": [[t, x] for t, x in det.history]},
    }


def restore(det: Detector, saved: dict) -> None:
    """Put `dump`'s output back into `det`; raises (KeyError, TypeError, ValueError) when it does not fit."""
    det.wf = WindowFeatures.from_state(saved["features"])
    for name, model in _learners(det):
        if not registry.restore_learner(model, saved.get("learners", {}).get(name)):
            log.warning("saved %s model does not fit; using the shipped prior", name)
    d = saved.get("detector", {})
    det.next_tick = d.get("next_tick")
    det.tick_state = d["tick_state"] if d.get("tick_state") in _STATES else "neutral"
    det.tick_since = d.get("tick_since")
    det.resumed = float(d["resumed"]) if d.get("resumed") is not None else None
    det.gap = (float(d["gap"][0]), float(d["gap"][1])) if d.get("gap") else None
    det.suggested_episode = bool(d.get("suggested_episode", False))
    det.ps, det.pf, det.an = float(d.get("ps", 0)), float(d.get("pf", 0)), float(d.get("an", 0))
    det.labels = int(d.get("labels", 0))
    det.x = {str(k): float(v) for k, v in d.get("x", {}).items()}
    det.reports = {str(k): int(v) for k, v in d.get("reports", {}).items()}
    det.history.extend((float(t), dict(x)) for t, x in itertools.islice(d.get("history", []), 8))
