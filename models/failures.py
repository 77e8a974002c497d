"""Failure sequences: signatures of failing runs, Jadud's Error Quotient, Becker's RED.

A failing test run's signature is which tests fail with which error type
(`failure_signature`); the run history is a list of `(ts, failed, signature,
line)`.  Over consecutive pairs of runs, Jadud's EQ scores 2 if both fail, +3
for the same error, +3 for the same line (normalised by 8, averaged); Becker's
Repeated Error Density sums r^2/(r+1) over each run of r repeats of one error.
"""

from __future__ import annotations

import itertools
from typing import Any


def failure_signature(event: Any) -> tuple | None:
    """The signature of a failing run: which tests fail with which error."""
    failures = event.get("failures")
    if isinstance(failures, list) and failures:
        sig = []
        for f in failures[:3]:
            if isinstance(f, dict):
                sig.append((str(f.get("test_id", "")), str(f.get("error_type", ""))))
        if sig:
            return tuple(sorted(sig))
    n = (event.get("failed") or 0) + (event.get("errors") or 0)
    return ("failed", n) if n else None


def failure_line(event: Any) -> Any:
    """The line of the first failure, if the run says."""
    failures = event.get("failures")
    if isinstance(failures, list) and failures and isinstance(failures[0], dict):
        return failures[0].get("line")
    return None


def error_quotient_and_red(runs: list) -> tuple[float, float, int]:
    """(EQ, RED, number of runs) of a run history, oldest first.

    >>> a = (0, True, ("t", "E"), 3)
    >>> error_quotient_and_red([a, a, a, a])
    (1.0, 2.25, 4)
    >>> error_quotient_and_red([a, (1, False, None, None)])
    (0.0, 0.0, 2)
    """
    if len(runs) < 2:
        return 0.0, 0.0, len(runs)
    eq = 0.0
    red = 0.0
    rep = 0
    for a, c in itertools.pairwise(runs):
        score = 0.0
        same = False
        if a[1] and c[1]:
            score = 2.0
            if a[2] == c[2] and a[2] is not None:
                score += 3.0
                same = True
                if a[3] is not None and a[3] == c[3]:
                    score += 3.0
        eq += score / 8.0
        if same:
            rep += 1
        else:
            red += rep * rep / (rep + 1.0)
            rep = 0
    red += rep * rep / (rep + 1.0)
    return eq / (len(runs) - 1), red, len(runs)


def jsonable(sig: Any) -> Any:
    """A signature as JSON (tuples become lists)."""
    if isinstance(sig, tuple):
        return [jsonable(s) for s in sig]
    return sig


def hashable(sig: Any) -> Any:
    """A signature back from JSON (lists become tuples)."""
    if isinstance(sig, list):
        return tuple(hashable(s) for s in sig)
    return sig
