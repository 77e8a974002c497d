"""The event mix of a stretch of work in the simulator: how flow, neutral and each kind of stuck look.

`mix` gives a segment's `Mix` for a persona: the rhythm (gaps and pauses),
the weights of edits, navigation, switches, saves, commands, debugging and
errors, how much typing is taken back, how often tests run and fail and
whether failures repeat, and how often the developer leaves the window; each
drawn with per-segment jitter.  Stuck has four variants on purpose (a loop on
one failing test, fast rewriting, stuck without tests, lost browsing).
`unusual` changes a segment's pace, rhythm or mix for the anomaly eval.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from pulsedev.models.personas import Persona

STUCK_VARIANTS = ("loop", "rewrite", "notests", "lost")
UNUSUAL_VARIANTS = ("fast", "slow", "regular", "bursty", "terminal", "review")


@dataclass
class Mix:
    """How a segment draws its events: rhythm, what is done, how tests and errors go."""

    gap: float  # in-burst gap mean (s)
    p_short: float  # share of 2-15 s pauses
    p_long: float  # share of 15 s+ pauses
    long_max: float
    weights: tuple  # edit, nav, switch, save, cmd, debug, error
    churn: float  # share of typed chars taken back
    undo: float  # chance an edit undoes the previous one
    test_every: float  # 0 = no tests
    fail: float  # chance a test run fails
    same: bool  # failures repeat one signature
    p_away: float  # chance per action of leaving the window
    away_max: float
    cmd_fail: float
    err_repeat: bool  # runtime errors repeat one signature
    chunk: float


def mix(p: Persona, state: str, variant: str, rng: random.Random) -> Mix:
    """The event mix of one `state` segment (`variant` for stuck ones) for persona `p`, jittered by `rng`."""
    j = lambda lo=0.7, hi=1.4: rng.uniform(lo, hi)  # noqa: E731 - per-segment jitter
    te = p.test_every
    if state == "flow":
        c = Mix(p.burst_gap * j(), 0.14 * p.pauses * j(), 0.03 * p.pauses * j(), 45,
                 (0.76, 0.1 * p.nav, 0.03 * p.switch, 0.06, 0.02 * p.terminal, 0.005 * p.debugger, 0.004),
                 rng.uniform(0.05, 0.22), 0.02, te * j() if te else 0.0, 0.15, False,
                 0.0015 * p.away, 40, 0.1, False, p.chunk * j())
    elif state == "neutral":
        c = Mix(p.burst_gap * j(1.0, 1.8), 0.28 * p.pauses * j(), 0.12 * p.pauses * j(), 90,
                 (0.42, 0.3 * p.nav, 0.09 * p.switch, 0.06, 0.07 * p.terminal, 0.01 * p.debugger, 0.01),
                 rng.uniform(0.15, 0.35), 0.05, te * 2 * j() if te else 0.0, 0.25, False,
                 0.005 * p.away, 120, 0.2, False, p.chunk * j(0.6, 1.1))
    elif state == "stuck":
        if variant == "rewrite":
            c = Mix(p.burst_gap * j(0.8, 1.3), 0.16 * p.pauses * j(), 0.06 * p.pauses * j(), 90,
                     (0.68, 0.16 * p.nav, 0.06 * p.switch, 0.05, 0.03 * p.terminal, 0.02 * p.debugger, 0.02),
                     rng.uniform(0.55, 0.9), 0.2, (te or 200) * j(0.4, 0.9), 0.92, True,
                     0.004 * p.away, 90, 0.6, True, p.chunk * j())
        elif variant == "notests":
            c = Mix(p.burst_gap * j(1.2, 2.0), 0.3 * p.pauses * j(), 0.2 * p.pauses * j(), 120,
                     (0.35, 0.28 * p.nav, 0.1 * p.switch, 0.05, 0.12 * max(p.terminal, 0.5),
                      0.04 * p.debugger, 0.06),
                     rng.uniform(0.4, 0.8), 0.12, 0.0, 0.0, True,
                     0.01 * p.away, 150, 0.8, True, p.chunk * j(0.5, 1.0))
        elif variant == "lost":
            c = Mix(p.burst_gap * j(1.3, 2.2), 0.32 * p.pauses * j(), 0.28 * p.pauses * j(), 150,
                     (0.16, 0.5 * p.nav, 0.2 * p.switch, 0.03, 0.05 * p.terminal, 0.05 * p.debugger, 0.02),
                     rng.uniform(0.45, 0.85), 0.15, (te * 1.5 * j()) if te else 0.0, 0.85, True,
                     0.018 * p.away, 170, 0.5, True, p.chunk * j(0.4, 0.9))
        else:  # loop: the same failing test again and again
            c = Mix(p.burst_gap * j(1.2, 1.8), 0.28 * p.pauses * j(), 0.2 * p.pauses * j(), 120,
                     (0.4, 0.32 * p.nav, 0.12 * p.switch, 0.05, 0.04 * p.terminal, 0.05 * p.debugger, 0.02),
                     rng.uniform(0.45, 0.85), 0.15, (te or 240) * j(0.4, 0.9), 0.9, True,
                     0.01 * p.away, 150, 0.5, True, p.chunk * j(0.5, 1.0))
    else:
        raise ValueError(f"Invalid state {state!r}")
    return c


def unusual(c: Mix, variant: str, rng: random.Random) -> Mix:
    """Change pace, rhythm or mix of a segment (not only its counts)."""
    if variant == "fast":
        return replace(c, gap=c.gap * rng.uniform(0.3, 0.45), chunk=c.chunk * rng.uniform(1.6, 2.4),
                       p_short=c.p_short * 0.5, p_long=c.p_long * 0.4)
    if variant == "slow":
        return replace(c, gap=c.gap * rng.uniform(2.5, 4.0), chunk=c.chunk * 0.5, p_short=min(0.6, c.p_short * 2.2))
    if variant == "regular":  # a metronome: no pauses at all, no bursts
        return replace(c, gap=-rng.uniform(2.5, 4.0), p_short=0.0, p_long=0.0, p_away=0.0)
    if variant == "bursty":  # bursts and long silences, nothing in between
        return replace(c, gap=c.gap * 0.4, p_short=0.0, p_long=rng.uniform(0.1, 0.16), long_max=60)
    if variant == "terminal":
        return replace(c, weights=(0.12, 0.08, 0.05, 0.01, 0.55, 0.12, 0.07), cmd_fail=0.15)
    if variant == "review":
        return replace(c, weights=(0.04, 0.62, 0.3, 0.0, 0.02, 0.0, 0.02), test_every=0.0)
    raise ValueError(f"Invalid unusual variant {variant!r}")
