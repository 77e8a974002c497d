"""The learners' feature vector at a window tick: `WindowFeatures`.

Over the running counters of window.py (`EventWindow`), `snapshot(t)`
builds a `dict[str, float]` with stable names: pace, churn, pauses, tests and
failures (with Jadud's Error Quotient and Becker's Repeated Error Density),
errors, navigation, and a slow personal baseline of pace, so the learners see
ratios to *this* developer's normal, and each level's change over the last
five minutes.  Features only an editor plugin can feed are absent (unknown,
not zero) for a plain LSP client; every learner treats a missing key as "no
evidence" and never raises.
"""

from __future__ import annotations

import math
from typing import Any

from pulsedev.models.window import (
    ACT,
    ACTIVE_S,
    ADD,
    CMD,
    CMD_FAIL,
    COMMIT,
    DEBUG,
    DEL,
    EDIT,
    ERR,
    FIX,
    FOCUS_LOST,
    GAPN,
    LOGGAP,
    LOGGAP2,
    NAV,
    NAV_NOEDIT,
    NEW_FAIL,
    P1,
    P2,
    P3,
    P4,
    SAME_ERR,
    SAME_FAIL,
    SAVE,
    SLOT,
    SWITCH,
    TEST,
    TEST_FAIL,
    UNDO,
    EventWindow,
)

#: Features only an editor plugin can feed (cursor, focus, terminal, debugger);
#: absent from a snapshot when no such event came for PLUGIN_HORIZON seconds.
PLUGIN_FEATURES = ("nav_5", "nav_noedit_5", "edit_ratio_5", "edit_ratio_15", "switch_5", "focus_lost_15",
                   "debug_15", "cmd_fail_15", "cmds_5")
PLUGIN_HORIZON = 7200.0
#: Features whose change over DELTA_MINUTES is a feature too (`d_<name>`).
DELTA_FEATURES = ("edits_rel", "add_rel", "churn_5", "pause_mid_15", "active_5", "same_fail_15")
DELTA_MINUTES = 5


class WindowFeatures(EventWindow):
    """Incremental per-event window features (1, 5 and 15 minute windows).

    >>> from pulsedev.telemetry.events import make
    >>> w = WindowFeatures()
    >>> for i in range(30):
    ...     w.observe(make("file_modified", 1000 + 4 * i, "f.py", chars_added=20))
    >>> x = w.snapshot(1200)
    >>> round(x["edits_5"], 2), x["churn_5"], x["idle_s"]
    (1.95, 0.0, 84.0)
    """

    def __init__(self) -> None:
        super().__init__()
        self.past: dict[int, dict[str, float]] = {}  # minute -> DELTA_FEATURES at that tick
        self.base_n = 0
        self.base: dict[str, float] = {"edits": 0.0, "act": 0.0, "add": 0.0, "gap": 0.0}

    # -- window tick ------------------------------------------------------
    def snapshot(self, t: float, learn: bool = True) -> dict[str, float]:
        """The feature vector as of tick time `t` (stable names, all floats).

        With `learn`, an active minute also moves the personal pace baseline
        (once per tick; a label's extra snapshot passes False).
        """
        w1 = self.window(t, 1)
        w5 = self.window(t, 5)
        w15 = self.window(t, 15)
        l1p = math.log1p
        x: dict[str, float] = {}
        x["act_1"] = l1p(w1[ACT])
        x["act_5"] = l1p(w5[ACT] / 5)
        x["edits_1"] = l1p(w1[EDIT])
        x["edits_5"] = l1p(w5[EDIT] / 5)
        x["edits_15"] = l1p(w15[EDIT] / 15)
        x["add_5"] = l1p(w5[ADD] / 5)
        net15 = w15[ADD] - w15[DEL]
        x["net_15"] = math.copysign(l1p(abs(net15) / 15), net15)
        x["churn_5"] = w5[DEL] / (w5[ADD] + w5[DEL] + 1.0)
        x["churn_15"] = w15[DEL] / (w15[ADD] + w15[DEL] + 1.0)
        x["undo_5"] = w5[UNDO] / (w5[EDIT] + 1.0)
        x["chars_per_edit_5"] = l1p((w5[ADD] + w5[DEL]) / (w5[EDIT] + 1.0))
        x["active_5"] = min(w5[ACTIVE_S] / 300.0, 1.0)
        x["active_15"] = min(w15[ACTIVE_S] / 900.0, 1.0)
        x["saves_5"] = l1p(w5[SAVE])
        pauses = w15[P1] + w15[P2] + w15[P3] + w15[P4] + 1.0
        x["pause_short_15"] = w15[P1] / pauses
        x["pause_mid_15"] = w15[P2] / pauses
        x["pause_long_15"] = (w15[P3] + w15[P4]) / pauses
        x["pause_mid_5"] = l1p(w5[P2])
        gn = w5[GAPN]
        mg = w5[LOGGAP] / gn if gn else 0.0
        x["gap_mean_5"] = mg
        x["gap_sd_5"] = math.sqrt(max(w5[LOGGAP2] / gn - mg * mg, 0.0)) if gn else 0.0
        x["nav_5"] = l1p(w5[NAV] / 5)
        x["nav_noedit_5"] = w5[NAV_NOEDIT] / (w5[NAV] + 1.0)
        other = w5[NAV] + w5[SWITCH] + w5[DEBUG] + w5[FOCUS_LOST] + w5[CMD]
        x["edit_ratio_5"] = w5[EDIT] / (w5[EDIT] + other + 1.0)
        other15 = w15[NAV] + w15[SWITCH] + w15[DEBUG] + w15[FOCUS_LOST] + w15[CMD]
        x["edit_ratio_15"] = w15[EDIT] / (w15[EDIT] + other15 + 1.0)
        x["switch_5"] = l1p(w5[SWITCH])
        x["focus_lost_15"] = l1p(w15[FOCUS_LOST])
        x["tests_15"] = l1p(w15[TEST])
        x["fail_frac_15"] = w15[TEST_FAIL] / (w15[TEST] + 1.0)
        x["same_fail_15"] = l1p(w15[SAME_FAIL])
        x["fixes_15"] = l1p(w15[FIX])
        x["new_fail_15"] = l1p(w15[NEW_FAIL])
        streak = self.fail_streak if self.last_run_failed else 0
        x["fail_streak"] = l1p(min(streak, 20))
        since = (t - self.fail_since) / 60.0 if (self.fail_since is not None and streak) else 0.0
        x["fail_minutes"] = l1p(min(max(since, 0.0), 60.0))
        eq, red, nruns = self.failure_scores(t)
        x["eq_15"] = eq
        x["red_15"] = l1p(red)
        x["runs_15"] = l1p(nruns)
        x["errors_15"] = l1p(w15[ERR])
        x["same_err_15"] = l1p(w15[SAME_ERR])
        x["debug_15"] = l1p(w15[DEBUG])
        x["cmd_fail_15"] = l1p(w15[CMD_FAIL])
        x["cmds_5"] = l1p(w5[CMD])
        x["commits_15"] = l1p(w15[COMMIT])
        x["idle_s"] = min(self.idle_seconds(t), 3600.0)
        x["since_edit"] = l1p(min(max(t - self.last_edit, 0.0), 900.0) / 60.0)
        x["since_pass"] = l1p(min(max(t - self.last_pass, 0.0), 3600.0) / 60.0) if self.last_pass else 0.0
        if self.plugin_seen is None or t - self.plugin_seen > PLUGIN_HORIZON:
            # a plain LSP client: navigation, focus, commands and debugging are
            # not seen, so their features are unknown (absent), not zero
            for k in PLUGIN_FEATURES:
                del x[k]
        # Pace relative to this developer's running baseline (log ratios).
        base = self.base
        if self.base_n:
            x["edits_rel"] = x["edits_5"] - base["edits"]
            x["act_rel"] = x["act_5"] - base["act"]
            x["add_rel"] = x["add_5"] - base["add"]
            x["gap_rel"] = mg - base["gap"] if gn else 0.0
        else:
            x["edits_rel"] = x["act_rel"] = x["add_rel"] = x["gap_rel"] = 0.0
        # Change over the last 5 minutes: transitions show sooner than levels.
        past = self.past.get(int(t // SLOT) - DELTA_MINUTES)
        for k in DELTA_FEATURES:
            x["d_" + k] = x[k] - past[k] if past is not None else 0.0
        if learn:
            now = int(t // SLOT)
            self.past[now] = {k: x[k] for k in DELTA_FEATURES}
            for old in [m for m in self.past if m < now - DELTA_MINUTES]:
                del self.past[old]
            if w5[ACT] >= 10:
                self._update_baseline(x)
        return x

    def _update_baseline(self, x: dict[str, float]) -> None:
        self.base_n += 1
        a = max(1.0 / self.base_n, 1.0 / 600.0)
        base = self.base
        for key, name in (("edits", "edits_5"), ("act", "act_5"), ("add", "add_5"), ("gap", "gap_mean_5")):
            base[key] += a * (x[name] - base[key])

    # -- persistence --------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-ready running state (counters, failure history, baseline)."""
        return {**super().to_state(), "base_n": self.base_n, "base": self.base,
                "past": [[m, v] for m, v in self.past.items()]}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> WindowFeatures:
        """Rebuild from `to_state` output; raises on a malformed state."""
        w = super().from_state(state)
        w.past = {int(m): {str(k): float(v) for k, v in d.items()} for m, d in state.get("past", [])}
        w.base_n = int(state.get("base_n", 0))
        w.base.update({k: float(v) for k, v in state.get("base", {}).items()})
        return w
