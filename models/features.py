"""Window features over event time, updated incrementally per event.

`WindowFeatures` owns the running window state: one-minute buckets of
counters in a 16-slot ring (so 1, 5 and 15 minute windows are sums of the
last buckets, never a rescan of the store), the pause and failure history
needed for Jadud's Error Quotient and Becker's Repeated Error Density, and a
slow personal baseline of pace so the learners see ratios to *this*
developer's normal.  `observe` is the per-event hot path (a few µs);
`snapshot(t)` builds the learners' `dict[str, float]` with stable names at a
window tick.  Features only an editor plugin can feed are absent (unknown,
not zero) for a plain LSP client; every learner treats a missing key as "no
evidence" and never raises.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any

from pulsedev.models.failures import error_quotient_and_red, failure_line, failure_signature, hashable, jsonable

# Counter slots of a one-minute bucket.
(ACT, EDIT, ADD, DEL, UNDO, SAVE, NAV, NAV_NOEDIT, SWITCH, FOCUS_LOST, TEST, TEST_FAIL,
 SAME_FAIL, ERR, SAME_ERR, DEBUG, CMD, CMD_FAIL, COMMIT, P1, P2, P3, P4, ACTIVE_S,
 LOGGAP, LOGGAP2, GAPN, TEST_PASS, FIX, NEW_FAIL) = range(30)
N_COUNTERS = 30
RING = 16  # minutes kept; the longest window is 15
SLOT = 60.0

#: Features only an editor plugin can feed (cursor, focus, terminal, debugger);
#: absent from a snapshot when no such event came for PLUGIN_HORIZON seconds.
PLUGIN_FEATURES = ("nav_5", "nav_noedit_5", "edit_ratio_5", "edit_ratio_15", "switch_5", "focus_lost_15",
                   "debug_15", "cmd_fail_15", "cmds_5")
PLUGIN_HORIZON = 7200.0
#: Features whose change over DELTA_MINUTES is a feature too (`d_<name>`).
DELTA_FEATURES = ("edits_rel", "add_rel", "churn_5", "pause_mid_15", "active_5", "same_fail_15")
DELTA_MINUTES = 5

#: Kinds that are not the developer acting (labels, unknown kinds).
_PASSIVE = frozenset({"self_report"})
_RUN_SOURCES = frozenset({"runtime", "terminal", "debug"})
_LOG = math.log


class WindowFeatures:
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
        self.buckets = [[0.0] * N_COUNTERS for _ in range(RING)]
        self.bslot = [-1] * RING
        self.newest = float("-inf")
        self.last_act = None  # ts of the last activity event
        self.last_edit = float("-inf")
        self.last_added = 0
        self.last_added_ts = float("-inf")
        self.fail_sig = None  # signature of the last failing run
        self.fail_since = None  # ts the current repeated failure began
        self.fail_streak = 0  # consecutive failing runs
        self.last_run_failed = False
        self.last_pass = None
        self.last_err_sig = None
        self.runs: deque = deque(maxlen=32)  # (ts, failed, signature, line)
        self.plugin_seen = None  # ts of the last event only an editor plugin reports
        self.past: dict[int, dict[str, float]] = {}  # minute -> DELTA_FEATURES at that tick
        self.base_n = 0
        self.base: dict[str, float] = {"edits": 0.0, "act": 0.0, "add": 0.0, "gap": 0.0}

    # -- hot path -------------------------------------------------------
    def observe(self, event: Any) -> None:
        """Fold one event into the current bucket (cheap; no learning here)."""
        ts = event.ts
        if ts > self.newest:
            self.newest = ts
        elif ts < self.newest - 300.0:
            return  # too old to learn from (protocol: stored, not learned)
        kind = event.kind
        if kind in _PASSIVE:
            return
        slot = int(ts // SLOT)
        i = slot % RING
        if self.bslot[i] != slot:
            if self.bslot[i] > slot:
                return  # older than the ring
            self.buckets[i] = [0.0] * N_COUNTERS
            self.bslot[i] = slot
        b = self.buckets[i]
        b[ACT] += 1
        last = self.last_act
        if last is not None and ts > last:
            gap = ts - last
            b[ACTIVE_S] += gap if gap < 15.0 else 15.0
            lg = _LOG(gap + 0.5)
            b[LOGGAP] += lg
            b[LOGGAP2] += lg * lg
            b[GAPN] += 1
            if gap >= 2.0:
                if gap < 15.0:
                    b[P1] += 1
                elif gap < 180.0:
                    b[P2] += 1
                elif gap < 600.0:
                    b[P3] += 1
                else:
                    b[P4] += 1
        if last is None or ts > last:
            self.last_act = ts
        if kind == "file_modified":
            self._edit(b, ts, event)
        elif kind == "cursor_moved":
            self.plugin_seen = ts
            b[NAV] += 1
            if ts - self.last_edit > 10.0:
                b[NAV_NOEDIT] += 1
        elif kind == "test_run":
            self._test(b, ts, event)
        elif kind == "focus_changed":
            self.plugin_seen = ts
            if event.get("target") == "window":
                if event.get("focused") is False:
                    b[FOCUS_LOST] += 1
            else:
                b[SWITCH] += 1
        elif kind == "file_saved":
            b[SAVE] += 1
        elif kind == "error_occurred":
            self._error(b, ts, event)
        elif kind == "command_executed":
            self.plugin_seen = ts
            b[CMD] += 1
            code = event.get("exit_code")
            if code:
                b[CMD_FAIL] += 1
        elif kind == "file_opened":
            b[SWITCH] += 1
        elif kind == "debug_started":
            self.plugin_seen = ts
            b[DEBUG] += 1
        elif kind == "commit_created":
            b[COMMIT] += 1

    def _edit(self, b: list, ts: float, event: Any) -> None:
        if event.get("external"):
            return
        added = event.get("chars_added") or 0
        deleted = event.get("chars_deleted") or 0
        b[EDIT] += 1
        b[ADD] += added
        b[DEL] += deleted
        # an edit that takes back (most of) what was just typed: an edit-undo cycle
        la = self.last_added
        if deleted and la and ts - self.last_added_ts < 20.0 and deleted >= 0.6 * la:
            b[UNDO] += 1
        if added:
            self.last_added = added
            self.last_added_ts = ts
        self.last_edit = ts

    def _test(self, b: list, ts: float, event: Any) -> None:
        b[TEST] += 1
        failed = (event.get("failed") or 0) + (event.get("errors") or 0)
        if failed:
            b[TEST_FAIL] += 1
            sig = failure_signature(event)
            self._failing_run(b, ts, sig, failure_line(event))
        else:
            b[TEST_PASS] += 1
            if self.last_run_failed:
                b[FIX] += 1
            self.last_run_failed = False
            self.fail_streak = 0
            self.fail_sig = None
            self.fail_since = None
            self.last_pass = ts
            self.runs.append((ts, False, None, None))

    def _failing_run(self, b: list, ts: float, sig: Any, line: Any) -> None:
        if sig is not None and sig == self.fail_sig:
            b[SAME_FAIL] += 1
        else:
            b[NEW_FAIL] += 1
            self.fail_since = ts
        self.fail_sig = sig
        self.fail_streak += 1
        self.last_run_failed = True
        self.runs.append((ts, True, sig, line))

    def _error(self, b: list, ts: float, event: Any) -> None:
        b[ERR] += 1
        sig = (event.get("error_type"), (event.get("message") or "")[:80])
        if sig == self.last_err_sig:
            b[SAME_ERR] += 1
        self.last_err_sig = sig
        if event.get("source") in _RUN_SOURCES:
            self.runs.append((ts, True, sig, event.get("line")))

    # -- window tick ------------------------------------------------------
    def window(self, t: float, minutes: int) -> list[float]:
        """Counter sums over the `minutes` whole minutes before `t`."""
        end = int(t // SLOT)  # slots end-minutes .. end-1
        out = [0.0] * N_COUNTERS
        for slot in range(end - minutes, end):
            i = slot % RING
            if self.bslot[i] == slot:
                b = self.buckets[i]
                for k in range(N_COUNTERS):
                    out[k] += b[k]
        return out

    def failure_scores(self, t: float, horizon: float = 900.0) -> tuple[float, float, int]:
        """Jadud's EQ, Becker's RED and the number of runs over the last `horizon` seconds."""
        return error_quotient_and_red([r for r in self.runs if t - horizon <= r[0] <= t])

    def idle_seconds(self, t: float) -> float:
        """Seconds since the last activity event (inf before any)."""
        return t - self.last_act if self.last_act is not None else float("inf")

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
        """JSON-ready running state (buckets, failure history, baseline)."""
        return {
            "buckets": self.buckets, "bslot": self.bslot,
            "newest": self.newest if self.newest != float("-inf") else None,
            "last_act": self.last_act,
            "last_edit": self.last_edit if self.last_edit != float("-inf") else None,
            "fail_sig": jsonable(self.fail_sig), "fail_since": self.fail_since,
            "fail_streak": self.fail_streak, "last_run_failed": self.last_run_failed,
            "last_pass": self.last_pass,
            "runs": [[r[0], r[1], jsonable(r[2]), r[3]] for r in self.runs],
            "base_n": self.base_n, "base": self.base, "plugin_seen": self.plugin_seen,
            "past": [[m, v] for m, v in self.past.items()],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> "WindowFeatures":
        """Rebuild from `to_state` output; raises on a malformed state."""
        w = cls()
        buckets = state["buckets"]
        if len(buckets) != RING or any(len(b) != N_COUNTERS for b in buckets):
            raise ValueError("bad bucket shape")
        w.buckets = [[float(v) for v in b] for b in buckets]
        w.bslot = [int(s) for s in state["bslot"]]
        w.newest = float(state["newest"]) if state.get("newest") is not None else float("-inf")
        w.last_act = state.get("last_act")
        w.last_edit = float(state["last_edit"]) if state.get("last_edit") is not None else float("-inf")
        w.fail_sig = hashable(state.get("fail_sig"))
        w.fail_since = state.get("fail_since")
        w.fail_streak = int(state.get("fail_streak", 0))
        w.last_run_failed = bool(state.get("last_run_failed", False))
        w.last_pass = state.get("last_pass")
        for r in state.get("runs", []):
            w.runs.append((float(r[0]), bool(r[1]), hashable(r[2]), r[3]))
        w.plugin_seen = state.get("plugin_seen")
        w.past = {int(m): {str(k): float(v) for k, v in d.items()} for m, d in state.get("past", [])}
        w.base_n = int(state.get("base_n", 0))
        w.base.update({k: float(v) for k, v in state.get("base", {}).items()})
        return w
