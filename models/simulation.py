"""A generator of labelled developer days: the simulator behind the prior and the eval.

A day is a sequence of segments (flow, stuck, neutral, breaks) played by a
`Persona` (typing pace, edit granularity, test habits, context switching,
pauses differ).  Each segment draws its events from a state-specific mix
(segments.py), jittered per segment, with hard cases on purpose: red tests
inside flow that get fixed, fast rewriting while stuck, stuck without any
test run, lost browsing that looks like reading.  Ground truth is a label per
minute; idle minutes are those a break has lasted `idle_after` seconds.
`unusual=True` inserts stretches that differ in pace, rhythm or mix (the
anomaly eval's positives).  Everything is seeded (`random.Random`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from pulsedev.models import segments
from pulsedev.models.personas import NAMED, SENSORS, Persona, random_persona  # noqa: F401 (re-exported)
from pulsedev.models.segments import STUCK_VARIANTS, UNUSUAL_VARIANTS, Mix
from pulsedev.telemetry.events import Event, make

ERRORS = ("AssertionError", "TypeError", "KeyError", "ValueError", "AttributeError", "IndexError")


@dataclass
class Day:
    """Events of one simulated day and the truth per minute boundary."""

    events: list[Event]
    minutes: list[tuple[float, str, str]] = field(default_factory=list)  # (t, label, unusual variant or "")
    start: float = 0.0
    end: float = 0.0


class _Writer:
    """Emits one segment's events and keeps per-day context (files, suites)."""

    def __init__(self, rng: random.Random, p: Persona, out: list[Event]):
        self.rng, self.p, self.out = rng, p, out
        self.files = [f"file:///w/src/mod{i}.py" for i in range(rng.randint(3, 9))]
        self.uri = self.files[0]
        self.last_added = 0

    def emit(self, kind: str, t: float, uri: str | None = None, **data) -> None:
        self.out.append(make(kind, t, uri, **data))

    def failure(self, sig: tuple) -> dict:
        test_id, etype, line = sig
        return {"test_id": test_id, "error_type": etype, "message": f"{etype}: {self.rng.randint(0, 9)}",
                "uri": self.uri, "line": line}

    def new_sig(self) -> tuple:
        r = self.rng
        return (f"tests/test_mod.py::test_{r.randint(0, 999)}", r.choice(ERRORS), r.randint(1, 300))

    def segment(self, state: str, t0: float, t1: float, cfg: Mix) -> None:
        r = self.rng
        t = t0
        sig = self.new_sig() if cfg.same else None
        err_sig = (r.choice(ERRORS), f"line {r.randint(1, 300)}")
        pending_fix = False
        next_test = t0 + r.expovariate(1.0 / cfg.test_every) if cfg.test_every else math.inf
        kinds = ("edit", "nav", "switch", "save", "cmd", "debug", "error")
        while True:
            u = r.random()
            if cfg.gap < 0:  # metronome rhythm
                gap = -cfg.gap * r.uniform(0.9, 1.1)
            elif u < cfg.p_long:
                gap = r.uniform(15, cfg.long_max)
            elif u < cfg.p_long + cfg.p_short:
                gap = r.uniform(2, 15)
            else:
                gap = min(r.expovariate(1.0 / cfg.gap), 2.0)
            t += gap
            if t >= t1:
                break
            if t >= next_test:
                self._test(next_test, cfg, sig, pending_fix)
                pending_fix = (not cfg.same) and (not pending_fix) and r.random() < cfg.fail
                next_test = t + (r.uniform(30, 120) if pending_fix else r.expovariate(1.0 / cfg.test_every))
                continue
            if r.random() < cfg.p_away:
                back = t + r.uniform(20, cfg.away_max)
                if back >= t1:
                    break
                self.emit("focus_changed", t, None, target="window", focused=False)
                t = back
                self.emit("focus_changed", t, None, target="window", focused=True)
                continue
            kind = r.choices(kinds, cfg.weights)[0]
            if kind == "edit":
                self._edit(t, cfg)
            elif kind == "nav":
                self.emit("cursor_moved", t, self.uri, line=r.randint(1, 400))
            elif kind == "switch":
                self.uri = r.choice(self.files)
                if r.random() < 0.2:
                    self.emit("file_opened", t, self.uri)
                self.emit("focus_changed", t, self.uri, target="editor", focused=True)
            elif kind == "save":
                self.emit("file_saved", t, self.uri)
            elif kind == "cmd":
                failed = r.random() < cfg.cmd_fail
                self.emit("command_executed", t, None, command=r.choice(("python", "git", "ls", "pip", "make")),
                          exit_code=1 if failed else 0)
                if failed and cfg.err_repeat:
                    self.emit("error_occurred", t + 0.1, None, source="terminal", error_type=err_sig[0],
                              message=err_sig[1])
            elif kind == "debug":
                self.emit("debug_started", t, self.uri)
                t += r.uniform(10, 90)
                self.emit("debug_stopped", min(t, t1 - 0.01), self.uri)
            else:
                etype, msg = err_sig if cfg.err_repeat else (r.choice(ERRORS), f"line {r.randint(1, 300)}")
                self.emit("error_occurred", t, self.uri, source=r.choice(("runtime", "diagnostic")),
                          error_type=etype, message=msg, line=r.randint(1, 300))
        if state == "flow" and r.random() < 0.5:
            self.emit("commit_created", t1 - 1, None, files_changed=r.randint(1, 5))

    def _edit(self, t: float, cfg: Mix) -> None:
        r = self.rng
        if self.last_added and r.random() < cfg.undo:
            self.emit("file_modified", t, self.uri, chars_added=0, chars_deleted=self.last_added, lines_changed=1)
            self.last_added = 0
            return
        n = max(1, int(r.expovariate(1.0 / cfg.chunk)) + 1)
        if r.random() < cfg.churn:
            self.emit("file_modified", t, self.uri, chars_added=0, chars_deleted=n, lines_changed=1)
            self.last_added = 0
        else:
            self.emit("file_modified", t, self.uri, chars_added=n, chars_deleted=0,
                      lines_changed=1 + (n > 40))
            self.last_added = n
        if r.random() < 0.04:
            self.emit("file_saved", t + 0.2, self.uri)

    def _test(self, t: float, cfg: Mix, sig: tuple | None, pending_fix: bool) -> None:
        r = self.rng
        fails = (r.random() < cfg.fail) and not pending_fix
        dur = round(r.uniform(0.5, 20), 2)
        if fails:
            s = sig if (cfg.same and sig) else self.new_sig()
            self.emit("test_run", t, None, passed=max(0, self.p.suite - 1), failed=1, errors=0,
                      duration_s=dur, failures=[self.failure(s)])
        else:
            self.emit("test_run", t, None, passed=self.p.suite, failed=0, errors=0, duration_s=dur)


_NEXT = {  # Markov chain over segment kinds
    "neutral": (("flow", 0.5), ("stuck", 0.25), ("break", 0.25)),
    "flow": (("neutral", 0.45), ("stuck", 0.25), ("break", 0.3)),
    "stuck": (("neutral", 0.45), ("flow", 0.3), ("break", 0.25)),
    "break": (("neutral", 0.6), ("flow", 0.3), ("stuck", 0.1)),
}
_LEN = {"neutral": (6, 30), "flow": (12, 55), "stuck": (7, 30), "break": (4, 45)}


def simulate_day(persona: Persona, seed: int, start: float = 1_767_258_000.0, hours: float = 8.0,
                 idle_after: float = 180.0, self_reports: bool = False, unusual: bool = False,
                 plan: list[tuple[str, float, str]] | None = None) -> Day:
    """One labelled day of `persona`'s work.

    `plan` fixes the segments instead of the Markov chain: `[(kind, minutes,
    variant), ...]` with kind flow/stuck/neutral/break and a stuck variant
    (`STUCK_VARIANTS`) or "" (tests use it for clear stretches).

    >>> d = simulate_day(NAMED["steady"], seed=1, hours=1)
    >>> len(d.events) > 100, {label for _, label, _ in d.minutes} <= {"flow", "idle", "neutral", "stuck"}
    (True, True)
    """
    rng = random.Random(seed)
    out: list[Event] = []
    w = _Writer(rng, persona, out)
    end = start + hours * 3600
    spans: list[tuple[float, float, str, bool]] = []
    t, kind = start, "neutral"
    n_unusual = 0
    steps = list(plan) if plan else None
    if steps:
        end = start + sum(m for _, m, _ in steps) * 60
    while t < end - 60:
        variant = ""
        if steps:
            kind, minutes, variant = steps.pop(0)
            dur = minutes * 60
        else:
            lo, hi = _LEN[kind]
            dur = min(rng.uniform(lo, hi) * 60, end - t)
        odd = ""
        if kind == "break":
            if rng.random() < 0.5:
                w.emit("focus_changed", t, None, target="window", focused=False)
        else:
            if kind == "stuck" and not variant:
                variant = rng.choice(STUCK_VARIANTS)
            cfg = segments.mix(persona, kind, variant, rng)
            if unusual and kind != "stuck" and n_unusual < 3 and rng.random() < 0.45:
                odd = rng.choice(UNUSUAL_VARIANTS)
                cfg = segments.unusual(cfg, odd, rng)
                dur = min(rng.uniform(12, 30) * 60, end - t)
                n_unusual += 1
            w.segment(kind, t, t + dur, cfg)
        spans.append((t, t + dur, kind, odd))
        t += dur
        if steps is not None:
            if not steps:
                break
            continue
        kind = rng.choices([k for k, _ in _NEXT[kind]], [q for _, q in _NEXT[kind]])[0]
    keep = SENSORS[persona.sensors]
    if keep is not None:
        out = [e for e in out if e.kind in keep]
    out.sort(key=lambda e: e.ts)
    day = Day(out, start=start, end=end)
    day.minutes = _truth(spans, out, start, end, idle_after)
    if self_reports:
        _add_self_reports(day, rng)
    return day


def _truth(spans, events, start, end, idle_after) -> list[tuple[float, str, str]]:
    """Label per minute boundary: the segment's state, idle once a silence reaches idle_after."""
    acts = [e.ts for e in events if e.kind != "self_report"]
    out = []
    k = 0
    si = 0
    last = None
    t = start + 60
    while t <= end:
        while k < len(acts) and acts[k] <= t:
            last = acts[k]
            k += 1
        while si < len(spans) - 1 and spans[si][1] <= t - 1e-9:
            si += 1
        _, _, kind, odd = spans[si]
        silent = last is None or t - last >= idle_after
        if kind == "break" and silent:
            label = "idle"
        elif kind == "break":
            prev = spans[si - 1][2] if si else "neutral"
            label = prev if prev != "break" else "neutral"
        elif silent:
            label = "idle"
        else:
            label = kind
        out.append((t, label, odd if label != "idle" else ""))
        t += 60
    return out


def _add_self_reports(day: Day, rng: random.Random) -> None:
    """Sparse self reports of the true state: about one every 30-70 minutes."""
    nxt = day.start + rng.uniform(20, 60) * 60
    reports = []
    stuck_run = 0
    for t, label, _ in day.minutes:
        stuck_run = stuck_run + 1 if label == "stuck" else 0
        if label == "idle":
            continue
        if t >= nxt or (stuck_run == 6 and rng.random() < 0.5):
            reports.append(make("self_report", t - 1, None, state=label))
            nxt = t + rng.uniform(30, 70) * 60
    day.events = sorted(day.events + reports, key=lambda e: e.ts)
