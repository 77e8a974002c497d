"""Unit tests of each window feature (models/features.py)."""

from __future__ import annotations

import math

import pytest

from pulsedev.models.features import WindowFeatures
from pulsedev.telemetry.events import make

T0 = 1_767_258_000.0  # a minute boundary


def feed(w, events):
    for e in events:
        w.observe(e)
    return w


def edit(ts, add=10, delete=0):
    return make("file_modified", ts, "file:///a.py", chars_added=add, chars_deleted=delete)


def fail(ts, test="t::a", etype="AssertionError", line=3):
    return make("test_run", ts, None, passed=5, failed=1,
                failures=[{"test_id": test, "error_type": etype, "line": line}])


def test_edit_rate_and_net_chars():
    w = feed(WindowFeatures(), [edit(T0 + i, add=10) for i in range(50)])
    x = w.snapshot(T0 + 60)
    assert x["edits_1"] == pytest.approx(math.log1p(50))
    assert x["edits_5"] == pytest.approx(math.log1p(10))
    assert x["net_15"] == pytest.approx(math.log1p(500 / 15))
    assert x["churn_5"] == 0.0


def test_churn_and_undo_cycles():
    evs = []
    for i in range(10):
        evs += [edit(T0 + 4 * i, add=20), edit(T0 + 4 * i + 1, add=0, delete=20)]
    x = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert x["churn_5"] == pytest.approx(200 / 401)
    assert x["undo_5"] == pytest.approx(10 / 21)
    assert x["net_15"] == 0.0


def test_pause_bands():
    gaps = [1, 5, 20, 200, 700]  # none, 2-15, 15-180, 180-600, >600
    ts, evs = T0, [edit(T0)]
    for g in gaps:
        ts += g
        evs.append(edit(ts))
    w = feed(WindowFeatures(), evs)
    b = w.window(ts + 60, 16)  # every bucket still in the ring
    from pulsedev.models.window import P1, P2, P3, P4
    assert [b[P1], b[P2], b[P3], b[P4]] == [1, 1, 1, 1]
    w2 = feed(WindowFeatures(), [edit(T0), edit(T0 + 5), edit(T0 + 25)])
    x2 = w2.snapshot(T0 + 60)
    assert x2["pause_short_15"] == pytest.approx(1 / 3)
    assert x2["pause_mid_15"] == pytest.approx(1 / 3)


def test_navigation_without_edits_and_ratios():
    evs = [make("cursor_moved", T0 + i, "file:///a.py", line=i) for i in range(1, 20)]
    x = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert x["nav_noedit_5"] == pytest.approx(19 / 20)
    assert x["edit_ratio_5"] == 0.0
    evs = [edit(T0)] + [make("cursor_moved", T0 + 1 + i * 0.5, "file:///a.py", line=i) for i in range(4)]
    y = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert y["nav_noedit_5"] == 0.0
    assert y["edit_ratio_5"] == pytest.approx(1 / 6)


def test_switches_focus_debug_commands_commits():
    evs = [
        make("focus_changed", T0 + 1, "file:///b.py", target="editor", focused=True),
        make("file_opened", T0 + 2, "file:///c.py"),
        make("focus_changed", T0 + 3, None, target="window", focused=False),
        make("focus_changed", T0 + 30, None, target="window", focused=True),
        make("debug_started", T0 + 31), make("debug_stopped", T0 + 40),
        make("command_executed", T0 + 41, command="python", exit_code=1),
        make("command_executed", T0 + 42, command="ls", exit_code=0),
        make("commit_created", T0 + 43, files_changed=2),
    ]
    x = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert x["switch_5"] == pytest.approx(math.log1p(2))
    assert x["focus_lost_15"] == pytest.approx(math.log1p(1))
    assert x["debug_15"] == pytest.approx(math.log1p(1))
    assert x["cmd_fail_15"] == pytest.approx(math.log1p(1))
    assert x["commits_15"] == pytest.approx(math.log1p(1))


def test_repeated_failure_streak_and_fix():
    w = feed(WindowFeatures(), [fail(T0 + 60 * i) for i in range(4)])
    x = w.snapshot(T0 + 240)
    assert x["same_fail_15"] == pytest.approx(math.log1p(3))
    assert x["fail_streak"] == pytest.approx(math.log1p(4))
    assert x["fail_minutes"] == pytest.approx(math.log1p(4))
    w.observe(make("test_run", T0 + 250, None, passed=6, failed=0))
    y = w.snapshot(T0 + 300)
    assert y["fail_streak"] == 0.0 and y["fail_minutes"] == 0.0
    assert y["fixes_15"] == pytest.approx(math.log1p(1))


def test_error_quotient_and_repeated_error_density():
    w = feed(WindowFeatures(), [fail(T0 + 10 * i) for i in range(4)])  # identical: every pair 8/8
    eq, red, n = w.failure_scores(T0 + 60)
    assert (eq, n) == (1.0, 4)
    assert red == pytest.approx(9 / 4)  # r = 3 repeats: r^2 / (r + 1)
    w2 = feed(WindowFeatures(), [fail(T0, test="a"), fail(T0 + 10, test="b"),
                                 make("test_run", T0 + 20, None, passed=1, failed=0)])
    eq2, red2, _ = w2.failure_scores(T0 + 60)
    assert eq2 == pytest.approx((2 / 8 + 0) / 2) and red2 == 0.0


def test_same_error_signature():
    evs = [make("error_occurred", T0 + i, None, source="runtime", error_type="KeyError", message="'x'")
           for i in range(3)]
    x = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert x["errors_15"] == pytest.approx(math.log1p(3))
    assert x["same_err_15"] == pytest.approx(math.log1p(2))


def test_windows_expire_and_idle_seconds():
    w = feed(WindowFeatures(), [edit(T0 + i) for i in range(10)])
    assert w.snapshot(T0 + 60)["edits_1"] > 0
    later = w.snapshot(T0 + 17 * 60)
    assert later["edits_15"] == 0.0 and later["act_5"] == 0.0
    assert later["idle_s"] == pytest.approx(17 * 60 - 9)


def test_late_events_and_self_reports_are_not_learned():
    w = feed(WindowFeatures(), [edit(T0 + 1000)])
    w.observe(edit(T0 + 1000 - 301))
    w.observe(make("self_report", T0 + 1001, None, state="stuck"))
    assert w.window(T0 + 1200, 15)[0] == 1


def test_missing_fields_never_raise():
    evs = [make("file_modified", T0), make("test_run", T0 + 1, None, passed=0, failed=2),
           make("focus_changed", T0 + 2, None, target="window"), make("unknown_kind", T0 + 3),
           make("error_occurred", T0 + 4)]
    x = feed(WindowFeatures(), evs).snapshot(T0 + 60)
    assert all(isinstance(v, float) and math.isfinite(v) for v in x.values())


def test_state_roundtrip():
    import json

    w = feed(WindowFeatures(), [edit(T0 + i) for i in range(20)] + [fail(T0 + 30), fail(T0 + 40)])
    w.snapshot(T0 + 60)
    w2 = WindowFeatures.from_state(json.loads(json.dumps(w.to_state())))
    assert w2.snapshot(T0 + 120) == w.snapshot(T0 + 120)
    with pytest.raises((KeyError, ValueError, TypeError)):
        WindowFeatures.from_state({"buckets": [[0]]})


def test_five_minute_deltas():
    w = WindowFeatures()
    x = None
    for m in range(8):
        rate = 5 if m < 4 else 40  # the pace jumps after four minutes
        for i in range(rate):
            w.observe(edit(T0 + m * 60 + i * 60 / rate))
        x = w.snapshot(T0 + (m + 1) * 60)
        if m < 5:
            assert x["d_active_5"] == 0.0 or m >= 4
    assert x["d_edits_rel"] > 0 and x["d_active_5"] > 0
    assert set(w.past) == set(range(int(T0 // 60) + 3, int(T0 // 60) + 9))
    label_time = w.snapshot(T0 + 8 * 60 + 30, learn=False)
    assert set(w.past) == set(range(int(T0 // 60) + 3, int(T0 // 60) + 9)) and "d_churn_5" in label_time
