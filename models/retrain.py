"""Retraining the detector from the stored history, behind a validation gate.

The live detector learns online.  Retraining replays the stored events (with
the developer's own labels) into a detector fresh from the shipped prior —
which is how a new prior, or a forgotten or damaged model, catches up with a
person's history.  The gate is prequential: on the newest 30% of the
history, each self-report is compared with the state predicted just before
it, for a detector trained on the older 70% and for the bare prior; the
retrained model is accepted only if it agrees at least as often.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pulsedev.telemetry.events import Event

MIN_LABELS = 4
HOLDOUT = 0.3


def _agrees(predicted: str, label: str) -> bool:
    return predicted == label or (label == "neutral" and predicted == "idle")


def _replay(detector, events: Iterable[Event], score_labels: bool, use_labels: bool = True,
            progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Feed events; returns (agreements, labels scored) when `score_labels`."""
    hits = total = 0
    for i, e in enumerate(events):
        if e.kind == "self_report":
            if score_labels:
                detector.advance(e.ts)
                hits += _agrees(detector.state(e.ts)["state"], e.get("state"))
                total += 1
            if not use_labels:
                continue
        detector.observe(e)
        if i % 500 == 0:
            detector.advance(e.ts)
            if progress:
                progress(i)
    return hits, total


def retrain(make_detector: Callable[[], Any], events: list[Event],
            progress: Callable[[float, str], None] = lambda f, m: None) -> tuple[dict, Any]:
    """(result, detector or None): the retrained detector when the gate accepts it."""
    labels = [e for e in events if e.kind == "self_report"]
    if not events:
        return {"accepted": False, "samples": 0, "reason": "no stored events to train on"}, None
    cut = int(len(events) * (1 - HOLDOUT))
    held = [e for e in events[cut:] if e.kind == "self_report"]
    metrics: dict[str, Any] = {"events": len(events), "labels": len(labels), "holdout_labels": len(held)}
    if len(held) >= MIN_LABELS:
        progress(0.1, "validating against your own reports")
        candidate = make_detector()
        _replay(candidate, events[:cut], score_labels=False)
        hits, total = _replay(candidate, events[cut:], score_labels=True)
        prior = make_detector()
        _replay(prior, events[:cut], score_labels=False, use_labels=False)
        base_hits, _ = _replay(prior, events[cut:], score_labels=True)
        metrics.update(agreement=round(hits / total, 3), prior_agreement=round(base_hits / total, 3))
        if hits < base_hits:
            return {"accepted": False, "samples": len(events), "metrics": metrics,
                    "reason": "the retrained model agreed less often with your reports than the prior"}, None
    progress(0.5, "replaying your history")
    final = make_detector()
    n = len(events)
    _replay(final, events, score_labels=False, progress=lambda i: progress(0.5 + 0.5 * i / n, "replaying"))
    final.advance(events[-1].ts)
    why = ("validated on your reports" if len(held) >= MIN_LABELS
           else "too few reports to validate; rebuilt from history")
    return {"accepted": True, "samples": len(events), "metrics": metrics, "reason": why}, final
