"""What the events so far say, kept small: `EventWindow`, the running state behind the window features.

One-minute buckets of counters (edits, characters, pauses by length, test
runs and failures, errors, navigation, commands, ...) in a 16-slot ring, so
the 1, 5 and 15 minute windows are sums of the last buckets, never a rescan
of the store; the run and failure history that Jadud's Error Quotient and
Becker's Repeated Error Density need; and when the developer last acted,
edited or was seen through an editor plugin.  `observe` is the per-event hot
path (a few µs).  features.py turns this into the learners' vector.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Self

from pulsedev.models.failures import error_quotient_and_red, failure_line, failure_signature, hashable, jsonable

# Counter slots of a one-minute bucket.
(ACT, EDIT, ADD, DEL, UNDO, SAVE, NAV, NAV_NOEDIT, SWITCH, FOCUS_LOST, TEST, TEST_FAIL,
 SAME_FAIL, ERR, SAME_ERR, DEBUG, CMD, CMD_FAIL, COMMIT, P1, P2, P3, P4, ACTIVE_S,
 LOGGAP, LOGGAP2, GAPN, TEST_PASS, FIX, NEW_FAIL) = range(30)
N_COUNTERS = 30
RING = 16  # minutes kept; the longest window is 15
SLOT = 60.0

#: Kinds that are not the developer acting (labels, unknown kinds).
_PASSIVE = frozenset({"self_report"})
_RUN_SOURCES = frozenset({"runtime", "terminal", "debug"})
_LOG = math.log


class EventWindow:
    """Running per-event counters and failure history (see module doc).

    >>> from pulsedev.telemetry.events import make
    >>> w = EventWindow()
    >>> for i in range(30):
    ...     w.observe(make("file_modified", 1000 + 4 * i, "f.py", chars_added=20))
    >>> counts = w.window(1200, 5)
    >>> counts[EDIT], counts[ADD], w.idle_seconds(1200)
    (30.0, 600.0, 84.0)
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


    # -- persistence --------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """JSON-ready running state (buckets, failure history)."""
        return {
            "buckets": self.buckets, "bslot": self.bslot,
            "newest": self.newest if self.newest != float("-inf") else None,
            "last_act": self.last_act,
            "last_edit": self.last_edit if self.last_edit != float("-inf") else None,
            "fail_sig": jsonable(self.fail_sig), "fail_since": self.fail_since,
            "fail_streak": self.fail_streak, "last_run_failed": self.last_run_failed,
            "last_pass": self.last_pass,
            "runs": [[r[0], r[1], jsonable(r[2]), r[3]] for r in self.runs],
            "plugin_seen": self.plugin_seen,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Self:
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
        return w
