"""The detector's contract: ticks, hysteresis, idle, labels, persistence, switches."""

from __future__ import annotations

import itertools
import json
import logging

import pytest

from pulsedev.models.detector import ENTER_STUCK, Detector
from pulsedev.models.simulation import NAMED, simulate_day
from pulsedev.options import parse_options
from pulsedev.telemetry.events import make

T0 = 1_767_258_000.0


def opts(**raw):
    return parse_options(raw)[0]


def run(det, events, until=None):
    notes = []
    for e in events:
        det.observe(e)
        notes += det.advance(e.ts)
    if until is not None:
        notes += det.advance(until)
    return notes


@pytest.fixture(scope="module")
def clear_day():
    return simulate_day(NAMED["steady"], 3, start=T0,
                        plan=[("flow", 25, ""), ("stuck", 25, "loop"), ("break", 10, "")])


def states_at(det, day):
    out, k = {}, 0
    for t, _, _ in day.minutes:
        while k < len(day.events) and day.events[k].ts < t:
            det.observe(day.events[k])
            k += 1
        out[t] = det.state(t)["state"]
    return out


def test_clear_flow_and_stuck_stretches(tmp_path, clear_day):
    det = Detector(opts(), tmp_path / "d.json")
    got = states_at(det, clear_day)
    ts = sorted(got)
    assert [got[t] for t in ts[10:24]].count("flow") >= 12
    assert [got[t] for t in ts[35:50]].count("stuck") >= 12
    assert got[ts[-1]] == "idle"


def test_state_notified_only_on_change(tmp_path, clear_day):
    det = Detector(opts(), None)
    notes = run(det, clear_day.events, until=clear_day.end)
    states = [p["state"] for m, p in notes if m == "pulsedev/state"]
    assert states and all(a != b for a, b in itertools.pairwise(states))
    assert {"flow", "stuck", "idle"} <= set(states)
    assert len(states) <= 8  # hysteresis: no flapping
    p = [p for m, p in notes if m == "pulsedev/state"][-1]
    assert set(p) == {"state", "since", "scores", "reason"} and set(p["scores"]) == {"stuck", "flow", "anomaly"}
    stuck = next(p for m, p in notes if m == "pulsedev/state" and p["state"] == "stuck")
    assert stuck["reason"] and stuck["scores"]["stuck"] >= ENTER_STUCK
    assert any(m == "pulsedev/suggestion" and p["kind"] == "unstuck" for m, p in notes)


def test_idle_follows_the_setting():
    for after in (60, 600):
        det = Detector(opts(idle={"afterSeconds": after}), None)
        run(det, [make("file_modified", T0, "f", chars_added=3)])
        assert det.state(T0 + after - 1)["state"] != "idle"
        s = det.state(T0 + after + 1)
        assert s["state"] == "idle" and s["since"] == T0 + after


def test_a_state_after_idle_starts_when_activity_resumes():
    det = Detector(opts(), None)
    typing = [make("file_modified", T0 + i * 10, "f", chars_added=3) for i in range(30)]
    back = T0 + 290 + 15 * 60  # a quarter of an hour away, then typing again
    notes = run(det, typing, until=back - 60)
    notes += run(det, [make("file_modified", back + i * 10, "f", chars_added=3) for i in range(6)], until=back + 70)
    states = [p for m, p in notes if m == "pulsedev/state"]
    assert [p["state"] for p in states][-2:] == ["idle", "neutral"]
    assert states[-2]["since"] == T0 + 290 + 180
    assert states[-1]["since"] >= back  # not the neutral stretch before the break


def test_a_restart_during_a_break_keeps_where_activity_resumes(tmp_path):
    path = tmp_path / "detector.json"
    det = Detector(opts(), path)
    back = T0 + 290 + 15 * 60
    run(det, [make("file_modified", T0 + i * 10, "f", chars_added=3) for i in range(30)], until=back - 60)
    det.observe(make("file_modified", back, "f", chars_added=3))  # back at the keyboard, then a restart
    det.save()
    again = Detector(opts(), path)
    assert again.resumed == det.resumed == back and again.gap == det.gap
    notes = run(again, [make("file_modified", back + i * 10, "f", chars_added=3) for i in range(1, 6)],
                until=back + 70)
    states = [p for m, p in notes if m == "pulsedev/state"]
    assert states[-1]["state"] == "neutral" and states[-1]["since"] >= back


def test_self_report_updates_at_once():
    det = Detector(opts(), None)
    evs = [make("file_modified", T0 + i * 3, "f", chars_added=2) for i in range(200)]
    run(det, evs, until=T0 + 600)
    x = det.x
    before = det.stuck.predict_proba_one(x)[True]
    det.observe(make("self_report", T0 + 601, None, state="stuck"))
    assert det.stuck.predict_proba_one(x)[True] > before
    assert det.state(T0 + 602)["state"] == "stuck"
    det.label("flow", T0 + 603)
    assert det.state(T0 + 604)["state"] == "flow"
    assert det.models_info()[0]["metrics"]["labels"] > 0


def test_feedback_is_a_label(clear_day):
    det = Detector(opts(), None)
    notes = run(det, clear_day.events, until=clear_day.end)
    sid = next(p["id"] for m, p in notes if m == "pulsedev/suggestion")
    n = det.stuck.n
    det.feedback(sid, helpful=False)
    assert det.stuck.n > n
    det.feedback("no-such-id", helpful=True)  # ignored


def test_persistence_roundtrip_and_reset(tmp_path, clear_day):
    path = tmp_path / "models" / "detector.json"
    det = Detector(opts(), path)
    half = [e for e in clear_day.events if e.ts < T0 + 30 * 60]
    run(det, half, until=T0 + 30 * 60)
    det.label("stuck", T0 + 30 * 60)
    det.save()
    again = Detector(opts(), path)
    assert again.state(T0 + 30 * 60) == det.state(T0 + 30 * 60)
    assert again.stuck.weights == det.stuck.weights and again.stuck.b == det.stuck.b
    again.reset()
    assert not path.exists() and again.labels == 0 and again.stuck.b == 0.0


@pytest.mark.parametrize("garbage", ["{not json", json.dumps({"format": 1, "features": {"buckets": 3}}),
                                     json.dumps([1, 2]), "\x00\x01"])
def test_damaged_state_falls_back_with_warning(tmp_path, caplog, garbage):
    path = tmp_path / "detector.json"
    path.write_text(garbage)
    with caplog.at_level(logging.WARNING):
        det = Detector(opts(), path)
    assert "damaged" in caplog.text or "does not fit" in caplog.text
    assert det.stuck.prior is not None and det.labels == 0


def test_switched_off_learners_cost_nothing(clear_day):
    det = Detector(opts(features={"stuck": False, "flow": False, "anomaly": False}), None)
    notes = run(det, clear_day.events[:500])
    assert det.wf.window(clear_day.events[499].ts + 60, 15)[0] == 0  # no features computed
    assert det.models_info() == []
    assert {p["state"] for m, p in notes} <= {"neutral", "idle"}
    only_flow = Detector(opts(features={"stuck": False, "anomaly": False}), None)
    states = {p["state"] for m, p in run(only_flow, clear_day.events, until=clear_day.end)}
    assert "stuck" not in states and "flow" in states
    assert [m["name"] for m in only_flow.models_info()] == ["flow"]


def test_old_events_are_not_learned():
    det = Detector(opts(), None)
    run(det, [make("file_modified", T0 + 1000, "f", chars_added=1)])
    det.observe(make("file_modified", T0, "f", chars_added=1))
    det.observe(make("self_report", T0, None, state="stuck"))
    assert det.labels == 0 and det.wf.window(T0 + 1060, 15)[0] == 1


def test_long_silence_is_cheap_and_idle():
    det = Detector(opts(), None)
    run(det, [make("file_modified", T0, "f", chars_added=1)])
    assert det.state(T0 + 30 * 86400)["state"] == "idle"
    assert det.next_tick <= T0 + 30 * 86400 + 60


def test_missing_prior_falls_back_to_labelling_functions(monkeypatch, clear_day):
    from pulsedev.models import registry

    monkeypatch.setattr(registry, "load_prior", lambda name: None)
    det = Detector(opts(), None)
    got = states_at(det, clear_day)
    ts = sorted(got)
    assert det.stuck.prior["version"] == 0
    assert [got[t] for t in ts[5:24]].count("stuck") == 0  # no stuck alarm in clear flow
    assert "stuck" in [got[t] for t in ts[30:50]]
