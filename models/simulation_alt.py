"""A second, differently built generator: an out-of-family check for the learners.

`simulation.py` trains the prior; judging the learners only on its days
would flatter them.  This generator shares no code or parameters with it:
edits arrive one keystroke at a time (one event per character, as an editor
that reports every change would send), the client sees only edits, saves and
test runs, segments are drawn uniformly, and stuck means bursts of typing and
deleting between runs of one failing test with long pauses.  The evaluation
reports its figures separately ("out of family").
"""

from __future__ import annotations

import random

from pulsedev.models.simulation import Day, _add_self_reports, _truth
from pulsedev.telemetry.events import make


def keystroke_day(seed: int, start: float = 1_767_258_000.0, segments: int = 22, idle_after: float = 180.0,
                  self_reports: bool = False) -> Day:
    """A labelled day of keystroke-level events (see module doc).

    >>> d = keystroke_day(1, segments=4)
    >>> {e.kind for e in d.events} <= {"file_modified", "file_saved", "test_run"}, len(d.minutes) > 20
    (True, True)
    """
    r = random.Random(seed)
    events, spans = [], []
    t = start
    speed = r.uniform(0.6, 1.6)  # this developer's keystroke interval factor
    for i in range(segments):
        kind = r.choice(("flow", "flow", "stuck", "neutral", "break")) if i else "neutral"
        t0, t1 = t, t + r.uniform(8, 30) * 60
        test_id = f"tests/test_core.py::test_{r.randint(0, 99)}"
        next_test = t + r.uniform(60, 180)
        while t < t1 and kind != "break":
            if kind == "flow":
                burst, key, pause = r.randint(10, 60), (0.12, 0.35), r.uniform(1, 6)
                p_add, p_del = 1.0, 0.1
            elif kind == "stuck":
                burst, key, pause = r.randint(5, 40), (0.12, 0.4), r.uniform(5, 90)
                p_add, p_del = 0.55, 0.5
            else:
                burst, key, pause = r.randint(3, 25), (0.15, 0.5), r.uniform(8, 45)
                p_add, p_del = 0.8, 0.2
            for _ in range(burst):
                t += r.uniform(*key) * speed
                events.append(make("file_modified", t, "file:///p/core.py",
                                   chars_added=int(r.random() < p_add), chars_deleted=int(r.random() < p_del)))
            if r.random() < 0.15:
                events.append(make("file_saved", t + 0.1, "file:///p/core.py"))
            t += pause
            if t > next_test:
                if kind == "stuck":
                    events.append(make("test_run", t, None, passed=29, failed=1, errors=0,
                                       failures=[{"test_id": test_id, "error_type": "AssertionError"}]))
                    next_test = t + r.uniform(50, 120)
                elif kind == "flow" or r.random() < 0.3:
                    events.append(make("test_run", t, None, passed=30, failed=0))
                    next_test = t + r.uniform(120, 400)
        spans.append((t0, t1, kind, ""))
        t = t1
    events = [e for e in events if e.ts < t]
    day = Day(events, start=start, end=t)
    day.minutes = _truth(spans, events, start, t, idle_after)
    if self_reports:
        _add_self_reports(day, r)
    return day
