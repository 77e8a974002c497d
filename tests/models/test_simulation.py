"""The simulators: deterministic, labelled by the idle rule, personas and sensors that differ."""

from __future__ import annotations

from collections import Counter

from pulsedev.models.simulation import NAMED, random_persona, simulate_day
from pulsedev.models.simulation_alt import keystroke_day


def test_same_seed_same_day_and_start_only_shifts_time():
    a = simulate_day(NAMED["tdd"], 5, hours=2)
    b = simulate_day(NAMED["tdd"], 5, hours=2)
    c = simulate_day(NAMED["tdd"], 5, hours=2, start=a.start + 86400)
    assert [e.to_dict() for e in a.events] == [e.to_dict() for e in b.events]
    assert [round(e.ts - 86400, 6) for e in c.events] == [round(e.ts, 6) for e in a.events]
    assert [m[1] for m in a.minutes] == [m[1] for m in c.minutes]


def test_idle_label_follows_the_silence():
    day = simulate_day(NAMED["steady"], 2, plan=[("flow", 10, ""), ("break", 10, ""), ("flow", 5, "")])
    labels = [label for _, label, _ in day.minutes]
    assert labels[:9].count("flow") >= 8
    acts = [e.ts for e in day.events]
    for t, label, _ in day.minutes:
        last = max((a for a in acts if a <= t), default=None)
        assert (label == "idle") == (last is None or t - last >= 180)


def test_personas_differ_in_pace_and_habits():
    counts = {name: Counter(e.kind for e in simulate_day(p, 1, hours=3).events) for name, p in NAMED.items()}
    assert 5 * counts["hacker"]["test_run"] < counts["tdd"]["test_run"]  # hacker runs tests only when stuck
    assert counts["hacker"]["command_executed"] > counts["slow"]["command_executed"]
    assert counts["explorer"]["focus_changed"] > counts["slow"]["focus_changed"]


def test_plain_lsp_sensors_see_no_plugin_events():
    kinds = {e.kind for e in simulate_day(NAMED["plainlsp"], 3, hours=2, self_reports=True).events}
    assert kinds <= {"file_modified", "file_saved", "file_opened", "file_closed", "test_run", "commit_created",
                     "self_report"}


def test_hard_cases_are_generated():
    rewrite = simulate_day(NAMED["steady"], 4, plan=[("stuck", 20, "rewrite")])
    edits = [e for e in rewrite.events if e.kind == "file_modified"]
    deleted = sum(e.get("chars_deleted", 0) for e in edits)
    added = sum(e.get("chars_added", 0) for e in edits)
    assert len(edits) > 100 and deleted > 0.5 * added  # fast rewriting while stuck
    fails = [e for e in rewrite.events if e.kind == "test_run" and e.get("failed")]
    assert len({e.get("failures")[0]["test_id"] for e in fails}) == 1  # the same failure repeats
    flow = simulate_day(NAMED["tdd"], 6, plan=[("flow", 60, "")])
    runs = [e for e in flow.events if e.kind == "test_run"]
    red = [i for i, e in enumerate(runs) if e.get("failed")]
    assert red, "a red test inside flow"
    assert all(i + 1 == len(runs) or not runs[i + 1].get("failed") for i in red)  # fixed by the next run


def test_unusual_days_and_self_reports_are_marked():
    day = simulate_day(NAMED["steady"], 8, unusual=True, self_reports=True)
    assert any(odd for _, _, odd in day.minutes)
    reports = [e for e in day.events if e.kind == "self_report"]
    assert 3 <= len(reports) <= 25
    truth = {t: label for t, label, _ in day.minutes}
    for r in reports:
        assert r.get("state") == truth[r.ts + 1]


def test_random_personas_vary_and_keystroke_days_are_fine_grained():
    import random

    rng = random.Random(0)
    ps = [random_persona(rng) for _ in range(20)]
    assert len({round(p.burst_gap, 3) for p in ps}) == 20 and {p.sensors for p in ps} >= {"full", "lsp"}
    day = keystroke_day(3, segments=6)
    sizes = Counter(e.get("chars_added", 0) + e.get("chars_deleted", 0)
                    for e in day.events if e.kind == "file_modified")
    assert max(sizes) <= 2
