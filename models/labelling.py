"""Weak supervision: labelling functions over window features, and reasons in words.

Each labelling function (LF) encodes one piece of published evidence
(repeated errors, Jadud's EQ, churn, pause bands, Carter & Dewan's edit
ratios, FlowLight's activity) as a vote for stuck or flow, or an abstention.
Their vote counts are features of the learners (`lf_stuck`, `lf_flow`), so
the prior learns how far to trust them, and the firing LFs become the
`reason` of a state in words ("same AssertionError in 5 test runs over 12 min").
`report_weight` is how much one self report weighs when the learners learn it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, NamedTuple

_e = math.expm1


class LF(NamedTuple):
    """A labelling function: votes `label` when `fires(x)`; `words` explains it."""

    name: str
    label: str
    fires: Callable[[dict], bool]
    words: Callable[[dict, Any], str]


def _failure_words(x: dict, wf: Any) -> str:
    sig = getattr(wf, "fail_sig", None)
    etype = "failure"
    if isinstance(sig, tuple) and sig and isinstance(sig[0], tuple) and len(sig[0]) > 1 and sig[0][1]:
        etype = sig[0][1]
    n = getattr(wf, "fail_streak", 0) or round(_e(x.get("same_fail_15", 0))) + 1
    mins = _e(x.get("fail_minutes", 0.0))
    return f"same {etype} in {n} test runs over {max(1, round(mins))} min"


STUCK_LFS = (
    LF("repeated_failure", "stuck", lambda x: x.get("same_fail_15", 0) >= 1.09, _failure_words),
    LF("error_quotient", "stuck", lambda x: x.get("eq_15", 0) >= 0.5,
       lambda x, w: f"error quotient {x.get('eq_15', 0):.2f} over the recent runs"),
    LF("repeated_error", "stuck", lambda x: x.get("same_err_15", 0) >= 1.09,
       lambda x, w: f"the same error {round(_e(x.get('same_err_15', 0))) + 1} times in 15 min"),
    LF("churn", "stuck", lambda x: x.get("churn_5", 0) >= 0.45 and x.get("edits_5", 0) >= 0.7,
       lambda x, w: f"deleted {round(100 * x.get('churn_5', 0))}% of what was typed in 5 min"),
    LF("undo_cycles", "stuck", lambda x: x.get("undo_5", 0) >= 0.08,
       lambda x, w: "typing and undoing the same edits"),
    LF("thinking_pauses", "stuck", lambda x: x.get("pause_mid_15", 0) >= 0.3,
       lambda x, w: f"{round(100 * x.get('pause_mid_15', 0))}% of pauses were 15 s to 3 min"),
    LF("navigation_without_edits", "stuck",
       lambda x: x.get("nav_noedit_5", 0) >= 0.6 and x.get("edit_ratio_5", 1) < 0.35,
       lambda x, w: "moving around the code without editing"),
    LF("focus_lost", "stuck", lambda x: x.get("focus_lost_15", 0) >= 1.09,
       lambda x, w: f"left the editor {round(_e(x.get('focus_lost_15', 0)))} times in 15 min"),
    LF("failing_commands", "stuck", lambda x: x.get("cmd_fail_15", 0) >= 1.09,
       lambda x, w: f"{round(_e(x.get('cmd_fail_15', 0)))} failing commands in 15 min"),
)

FLOW_LFS = (
    LF("steady_editing", "flow", lambda x: x.get("active_5", 0) >= 0.6 and x.get("churn_5", 1) < 0.3,
       lambda x, w: f"steady editing, about {round(_e(x.get('add_5', 0)))} chars/min"),
    LF("few_pauses", "flow", lambda x: x.get("pause_mid_15", 1) < 0.1 and x.get("pause_long_15", 1) < 0.02,
       lambda x, w: "few pauses over 15 s"),
    LF("tests_progress", "flow",
       lambda x: x.get("fixes_15", 0) > 0 or (x.get("tests_15", 0) > 0 and x.get("fail_frac_15", 1) < 0.3),
       lambda x, w: "tests passing"),
    LF("own_pace", "flow", lambda x: x.get("edits_rel", 0) > 0.3,
       lambda x, w: "faster than your usual pace"),
    LF("net_progress", "flow", lambda x: x.get("net_15", 0) > 2.5 and x.get("churn_15", 1) < 0.3,
       lambda x, w: f"{round(_e(x.get('net_15', 0)) * 15)} net characters in 15 min"),
)


def add_votes(x: dict) -> dict:
    """Add the LF vote counts `lf_stuck` and `lf_flow` to `x` (in place) and return it."""
    x["lf_stuck"] = float(sum(1 for lf in STUCK_LFS if lf.fires(x)))
    x["lf_flow"] = float(sum(1 for lf in FLOW_LFS if lf.fires(x)))
    return x


def reason(state: str, x: dict, wf: Any = None, idle_s: float = 0.0, limit: int = 2, labels: int = 0) -> str:
    """The top evidence for `state` in words.

    >>> reason("stuck", {"churn_5": 0.6, "edits_5": 1.5, "pause_mid_15": 0.4})
    'deleted 60% of what was typed in 5 min; 40% of pauses were 15 s to 3 min'
    >>> reason("idle", {}, idle_s=400)
    'no activity for 7 min'
    """
    if state == "idle":
        return f"no activity for {max(1, round(idle_s / 60))} min"
    lfs = STUCK_LFS if state == "stuck" else FLOW_LFS if state == "flow" else ()
    words = [lf.words(x, wf) for lf in lfs if lf.fires(x)][:limit]
    if words:
        return "; ".join(words)
    if state == "neutral":
        return "no clear sign of flow or of being stuck"
    if labels:
        return f"learned from your own reports ({state})"
    return f"the overall mix of recent activity looks like {state}; no single sign stands out"


PSEUDO_REPORTS = 5.0


def report_weight(rate: float, reports: dict[str, int], cls: str, positive: bool) -> float:
    """The weight of a self report for class `cls`, which occurs at `rate`: base rate / share of reports.

    Developers report being stuck far more often than being fine; learning
    from reports as they come would shift the model toward the reported
    class (prior-shift).  The share is smoothed toward the base rate with
    `PSEUDO_REPORTS` pseudo-reports, and the weight clipped to [0.25, 4].

    >>> round(report_weight(0.2, {}, "stuck", True), 3)  # no reports yet: the share is the base rate
    1.0
    >>> round(report_weight(0.2, {"stuck": 15}, "stuck", True), 3)  # mostly "stuck": each counts less
    0.25
    >>> round(report_weight(0.2, {"stuck": 15}, "stuck", False), 3)  # and the rare "not stuck" more
    4.0
    """
    n = sum(reports.values())
    share = (reports.get(cls, 0) + PSEUDO_REPORTS * rate) / (n + PSEUDO_REPORTS)
    w = rate / share if positive else (1 - rate) / (1 - share)
    return min(max(w, 0.25), 4.0)
