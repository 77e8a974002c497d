"""Simulated developers: personas (how one works) and what their client reports.

A `Persona` sets typing pace, edit granularity, test habits, context
switching, focus loss, debugger and terminal use and pauses; `NAMED` holds
the evaluation's fixed personas and `random_persona` draws one from wide
ranges (the prior is trained on those).  `SENSORS` says which event kinds a
kind of client reports ("lsp": a plain LSP client with the watcher and the
test tracer only).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

#: Event kinds each kind of client reports ("lsp": a plain LSP client plus the
#: workspace watcher and the test tracer: edits, saves, opens, test runs, commits).
SENSORS = {
    "full": None,
    "lsp": frozenset({"file_modified", "file_saved", "file_opened", "file_closed", "test_run", "commit_created",
                      "self_report"}),
    "notests": frozenset({"file_modified", "file_saved", "file_opened", "file_closed", "cursor_moved",
                          "focus_changed", "commit_created", "error_occurred", "self_report"}),
}


@dataclass(frozen=True)
class Persona:
    """How one developer works (all rates in the flow state unless named)."""

    name: str
    burst_gap: float = 0.8  # mean seconds between edit events inside a burst
    chunk: float = 6.0  # mean chars per edit event
    test_every: float = 240.0  # mean seconds between test runs in flow; 0 = never tests
    nav: float = 1.0  # navigation weight multiplier
    switch: float = 1.0  # editor switching multiplier
    away: float = 1.0  # window focus loss multiplier
    debugger: float = 0.3  # use of the debugger
    terminal: float = 1.0  # terminal commands multiplier
    pauses: float = 1.0  # pause frequency multiplier
    suite: int = 40  # tests in the suite
    sensors: str = "full"  # what the client reports: see SENSORS


NAMED = {
    "steady": Persona("steady"),
    "tdd": Persona("tdd", burst_gap=0.9, chunk=5, test_every=90, suite=120, switch=0.8),
    "hacker": Persona("hacker", burst_gap=0.45, chunk=9, test_every=0, terminal=2.5, nav=0.6, pauses=0.7),
    "explorer": Persona("explorer", burst_gap=1.0, switch=2.5, nav=1.8, away=2.0, debugger=0.8, test_every=400),
    "slow": Persona("slow", burst_gap=1.8, chunk=3, pauses=1.6, test_every=600, away=1.5, suite=15),
    "plainlsp": Persona("plainlsp", burst_gap=0.7, chunk=7, test_every=180, sensors="lsp"),
}


def random_persona(rng: random.Random, name: str = "random") -> Persona:
    """A persona drawn from wide ranges (used to train the prior)."""
    return Persona(
        name,
        burst_gap=math.exp(rng.uniform(math.log(0.15), math.log(4.0))),
        chunk=math.exp(rng.uniform(math.log(1), math.log(25))),
        test_every=0.0 if rng.random() < 0.25 else math.exp(rng.uniform(math.log(60), math.log(900))),
        nav=math.exp(rng.uniform(-0.8, 0.8)),
        switch=math.exp(rng.uniform(-1.0, 1.0)),
        away=math.exp(rng.uniform(-1.0, 1.0)),
        debugger=rng.uniform(0.0, 1.0),
        terminal=math.exp(rng.uniform(-1.0, 1.2)),
        pauses=math.exp(rng.uniform(-0.5, 0.6)),
        suite=rng.randint(5, 200),
        sensors=rng.choices(("full", "lsp", "notests"), (0.6, 0.3, 0.1))[0],
    )
