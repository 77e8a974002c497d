"""Retraining from history: the prequential gate on the developer's own reports."""

from __future__ import annotations

from pulsedev.models.detector import Detector
from pulsedev.models.retrain import retrain
from pulsedev.models.simulation import NAMED, simulate_day
from pulsedev.options import Options


def test_retrain_validates_on_held_out_reports():
    events = []
    for d in range(3):
        events += simulate_day(NAMED["steady"], seed=3 + d, start=1.767e9 + d * 86400, hours=6.0,
                               self_reports=True).events
    assert sum(e.kind == "self_report" for e in events) >= 12
    result, detector = retrain(lambda: Detector(Options(), None), events)
    m = result["metrics"]
    assert m["holdout_labels"] >= 4 and 0.0 <= m["agreement"] <= 1.0
    assert result["accepted"] == (m["agreement"] >= m["prior_agreement"])
    assert (detector is not None) == result["accepted"]


def test_nothing_to_train_on_keeps_the_model():
    result, detector = retrain(lambda: Detector(Options(), None), [])
    assert result["accepted"] is False and detector is None
