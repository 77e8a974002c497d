"""Session evaluation: the figures on hand-made traces, and a short in-process replay."""

from __future__ import annotations

import pytest

from pulsedev.models import evaluation as ev
from pulsedev.models.simulation import NAMED, simulate_day


def trace(truth, pred, stuck=None, anomaly=None, unusual=None):
    n = len(truth)
    return ev.Trace(list(truth), list(pred), stuck or [0.0] * n, anomaly or [0.0] * n,
                    unusual or [False] * n, [0] * n)


def test_state_figures_count_as_defined():
    tr = trace("ffffsssssnnnii", "fffnnssssnffii")
    tr.truth = [{"f": "flow", "s": "stuck", "n": "neutral", "i": "idle"}[c] for c in tr.truth]
    tr.pred = [{"f": "flow", "s": "stuck", "n": "neutral", "i": "idle"}[c] for c in tr.pred]
    f = ev.state_figures(tr)
    assert f["stuck"]["tp"] == 4 and f["stuck"]["fn"] == 1 and f["stuck"]["fp"] == 0
    assert f["flow"]["p"] == pytest.approx(3 / 5) and f["flow"]["r"] == pytest.approx(3 / 4)
    assert f["idle"]["f1"] == 1.0
    assert f["detect_min"] == [2] and f["missed_episodes"] == 0
    assert f["false_stuck_per_h"] == 0.0


def test_false_alarm_and_missed_episode():
    truth = ["neutral"] * 30 + ["stuck"] * 5 + ["neutral"] * 25
    pred = ["neutral"] * 10 + ["stuck"] * 3 + ["neutral"] * 47
    f = ev.state_figures(trace(truth, pred))
    assert f["missed_episodes"] == 1 and f["detect_min"] == []
    assert f["false_stuck_per_h"] == pytest.approx(1.0)


def test_anomaly_figures():
    truth = ["flow"] * 10 + ["stuck"] * 4
    tr = trace(truth, truth, anomaly=[0.1] * 6 + [0.9] * 4 + [0.2] * 4, unusual=[False] * 6 + [True] * 4 + [False] * 4)
    a = ev.anomaly_figures(tr)
    assert a["auc"] == 1.0 and a["ordinary_ge_05"] == 0.0 and a["stuck_ge_05"] == 0.0 and a["n_unusual"] == 4


def test_replay_in_process(tmp_path):
    day = simulate_day(NAMED["steady"], 5, plan=[("flow", 15, ""), ("stuck", 15, "rewrite"), ("break", 6, "")])
    tr = ev.replay(ev.InProcess(tmp_path), day)
    assert len(tr.pred) == len(day.minutes)
    f = ev.state_figures(tr)
    assert f["flow"]["f1"] > 0.6 and f["stuck"]["f1"] > 0.6 and f["idle"]["f1"] == 1.0


def test_run_session_eval_prints_every_figure(tmp_path):
    lines = []
    out = ev.run_session_eval(days=2, quick=True, transport="inprocess", echo=lines.append,
                              personas=[NAMED["slow"]])
    text = "\n".join(lines)
    for needle in ("COLD", "SPARSE SELF REPORTS", "ANOMALY", "FA/h", "det min", "spread across personas"):
        assert needle in text
    assert set(out) >= {"cold", "warm", "anomaly"}
