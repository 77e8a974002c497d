"""The detector: events in, state and suggestions out, minute by minute in event time.

`Detector` is what the server's engine worker calls.  `observe` folds an
event into the window features (cheap, per event); `advance(now)` runs the
window ticks (one per event-time minute) where the learners score, the
state machine applies hysteresis, the anomaly scorer learns, and a
`pulsedev/state` notification is produced only when the state changes.
Labels (`self_report` events, `pulsedev.selfReport`, suggestion feedback)
update the stuck and flow learners at once from the last minutes' features.
State persists as one JSON file (detector_state.py, `registry.save_state`).
"""

from __future__ import annotations

import contextlib
import logging
import math
import uuid
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

from pulsedev.models import detector_state, registry
from pulsedev.models.anomaly import FEATURES as ANOMALY_FEATURES
from pulsedev.models.anomaly import SessionAnomaly
from pulsedev.models.features import WindowFeatures
from pulsedev.models.flow import FlowClassifier
from pulsedev.models.idle import IdleRule
from pulsedev.models.labelling import add_votes, reason, report_weight
from pulsedev.models.stuck import StuckClassifier

log = logging.getLogger(__name__)

TICK = 60.0
LATE = 300.0  # events older than newest - LATE are not learned from
SMOOTH = 0.6  # weight of the newest tick in the smoothed probabilities
AN_SMOOTH = 0.2  # the same for the anomaly score (stretches, not spikes)
ENTER_STUCK, EXIT_STUCK = 0.4, 0.3
ENTER_FLOW, EXIT_FLOW = 0.55, 0.4
LABEL_WINDOW = 120.0  # a label applies to the ticks of the last 2 minutes and now
LABEL_WEIGHT = 1.0
BASE_RATES = {"stuck": 0.2, "flow": 0.35}  # used when a prior does not say its training rate
LR_WEIGHTS, LR_CAL = 0.005, 0.05  # personal labels: slow weights, faster recalibration
_LABEL_TARGETS = {"stuck": (True, False), "flow": (False, True), "neutral": (False, False)}


def _fallback_prior(name: str) -> dict:
    """Without a shipped prior: the labelling functions' votes alone (weak supervision)."""
    feature = "lf_stuck" if name == "stuck" else "lf_flow"
    return {"name": name, "version": 0, "trained_at": None, "samples": 0, "features": [feature],
            "mean": {feature: 0.0}, "scale": {feature: 1.0}, "weights": {feature: 1.2}, "bias": -3.0,
            "metrics": {"fallback": "labelling functions only"}}


class Detector:
    """Online stuck/flow/idle/anomaly detection for one developer (see module doc)."""

    def __init__(self, options: Any, state_path: Path | None = None):
        self.state_path = Path(state_path) if state_path else None
        self.configure(options)
        self._fresh()
        saved = registry.load_state(self.state_path)
        if saved is not None:
            try:
                self._restore(saved)
            except Exception as exc:  # a damaged file must never stop the server
                log.warning("learned state %s is damaged (%s); using the shipped prior", self.state_path, exc)
                self._fresh()

    # -- setup ----------------------------------------------------------------
    def configure(self, options: Any) -> None:
        """Apply settings: which learners run, the idle rule, the suggestion threshold."""
        self.options = options
        feats = options.features
        self.on_stuck, self.on_flow, self.on_anomaly = bool(feats.stuck), bool(feats.flow), bool(feats.anomaly)
        self.on_any = self.on_stuck or self.on_flow or self.on_anomaly
        self.idle = IdleRule(float(options.idle.afterSeconds))
        self.suggest_at = float(options.thresholds.suggestion)

    def _fresh(self) -> None:
        self.wf = WindowFeatures()
        self.stuck = StuckClassifier(prior=registry.load_prior("stuck") or _fallback_prior("stuck"),
                                     lr=LR_WEIGHTS, lr_cal=LR_CAL)
        self.flow = FlowClassifier(prior=registry.load_prior("flow") or _fallback_prior("flow"),
                                   lr=LR_WEIGHTS, lr_cal=LR_CAL)
        self.anomaly = SessionAnomaly()
        self.next_tick: float | None = None
        self.gap: tuple[float, float] | None = None  # the last long silence (start, end)
        self.tick_state = "neutral"
        self.tick_since: float | None = None
        self.resumed: float | None = None  # when activity last began after a break
        self.ps = self.pf = 0.0
        self.an = 0.0
        self.x: dict[str, float] = {}
        self.history: deque = deque(maxlen=8)  # (t, x) of recent ticks, for labels
        self.sent: tuple | None = None  # (state, since) last notified
        self.labels = 0
        self.reports: dict[str, int] = {}
        self.suggested_episode = False
        self.suggestions: OrderedDict = OrderedDict()

    # -- per event ----------------------------------------------------------------
    def observe(self, event: Any) -> None:
        """Fold one event into the window features (no scoring here)."""
        if event.kind == "self_report":
            state = event.get("state")
            if state in _LABEL_TARGETS and event.ts >= self.wf.newest - LATE:
                self.label(state, event.ts)
            return
        last = self.wf.last_act
        if last is not None and event.ts - last > 16 * TICK + self.idle.after_seconds:
            self.gap = (last, event.ts)
        if self.on_any:
            self.wf.observe(event)
        else:  # every learner off: keep only what the idle rule needs
            if event.ts > self.wf.newest:
                self.wf.newest = event.ts
                self.wf.last_act = event.ts
        if self.wf.last_act != last and self.idle.is_idle(last, self.wf.last_act):
            self.resumed = self.wf.last_act  # the first activity after a break
        if self.next_tick is None and self.wf.last_act is not None:
            self.next_tick = (math.floor(self.wf.last_act / TICK) + 1) * TICK

    # -- window ticks ---------------------------------------------------------------
    def advance(self, now: float) -> list[tuple[str, dict]]:
        """Run the ticks up to event time `now`; the notifications to send."""
        notes: list[tuple[str, dict]] = []
        if self.next_tick is not None:
            # after a long silence every tick says the same (idle): jump over them
            span = 16 * TICK + self.idle.after_seconds
            while self.next_tick <= now:
                gap = self.gap
                inside = gap is not None and self.next_tick < gap[1]
                quiet_from = (gap[0] if inside else (self.wf.last_act or now)) + span
                if self.next_tick > quiet_from:
                    target = gap[1] if inside else now
                    self.next_tick = max(self.next_tick, math.floor(target / TICK) * TICK)
                notes += self._tick(self.next_tick)
                self.next_tick += TICK
        payload = self._payload(now)
        key = (payload["state"], payload["since"])
        if self.sent is None or key[0] != self.sent[0]:
            self.sent = key
            notes.append(("pulsedev/state", payload))
        return notes

    def _tick(self, t: float) -> list[tuple[str, dict]]:
        notes = []
        if not self.on_any:
            return notes
        x = add_votes(self.wf.snapshot(t))
        self.x = x
        if self.idle.is_idle(self.wf.last_act, t):
            self.ps = self.pf = 0.0
            self.an *= 0.5
            # neutral once activity resumes, and from then on: not since before the break
            self.tick_state, self.tick_since = "neutral", None
            self.suggested_episode = False
            return notes
        self.history.append((t, x))
        ps = self.stuck.predict_proba_one(x)[True] if self.on_stuck else 0.0
        pf = self.flow.predict_proba_one(x)[True] if self.on_flow else 0.0
        self.ps = SMOOTH * ps + (1 - SMOOTH) * self.ps
        self.pf = SMOOTH * pf + (1 - SMOOTH) * self.pf
        cur = self.tick_state
        if self.on_stuck and (self.ps >= ENTER_STUCK or (cur == "stuck" and self.ps >= EXIT_STUCK)):
            new = "stuck"
        elif self.on_flow and (self.pf >= ENTER_FLOW or (cur == "flow" and self.pf >= EXIT_FLOW)):
            new = "flow"
        else:
            new = "neutral"
        self._set_tick_state(new, t)
        if self.on_anomaly:
            xa = {k: x.get(k, 0.0) for k in ANOMALY_FEATURES}
            score = self.anomaly.score_one(xa)
            self.an = AN_SMOOTH * score + (1 - AN_SMOOTH) * self.an
            xa["mode"] = new
            self.anomaly.learn_one(xa)
        if new == "stuck" and not self.suggested_episode and self.ps >= self.suggest_at:
            notes.append(("pulsedev/suggestion", self._suggest(t, x)))
            self.suggested_episode = True
        elif new != "stuck":
            self.suggested_episode = False
        return notes

    def _set_tick_state(self, new: str, t: float) -> None:
        if self.tick_since is None:  # the first tick of activity: ticks run after the events they follow
            self.tick_state, self.tick_since = new, max(t, self.resumed or t)
        elif new != self.tick_state:
            self.tick_state, self.tick_since = new, t

    def _suggest(self, t: float, x: dict) -> dict:
        sid = uuid.uuid4().hex[:12]
        evidence = [w for w in reason("stuck", x, self.wf, limit=4).split("; ") if w]
        self.suggestions[sid] = (t, [v for _, v in list(self.history)[-5:]])
        while len(self.suggestions) > 50:
            self.suggestions.popitem(last=False)
        return {
            "id": sid, "kind": "unstuck", "title": "Stuck? Try a different angle",
            "message": "This looks like a loop: " + "; ".join(evidence[:2])
            + ". Try reading the failure from its first line, writing a smaller test, or a short break.",
            "confidence": round(self.ps, 3), "evidence": evidence, "actions": [],
        }

    # -- state out ----------------------------------------------------------------------
    def _payload(self, now: float) -> dict:
        idle_s = self.wf.idle_seconds(now)
        if self.wf.last_act is None or self.idle.is_idle(self.wf.last_act, now):
            since = self.idle.idle_since(self.wf.last_act)
            state, why = "idle", reason("idle", {}, idle_s=idle_s if math.isfinite(idle_s) else 0.0)
            since = now if since is None else since
        else:
            state = self.tick_state
            since = self.tick_since if self.tick_since is not None else self.wf.last_act
            why = reason(state, self.x, self.wf, labels=self.labels)
        return {"state": state, "since": since,
                "scores": {"stuck": round(self.ps, 4), "flow": round(self.pf, 4),
                           "anomaly": round(min(max(self.an, 0.0), 1.0), 4)},
                "reason": why}

    def state(self, now: float) -> dict:
        """The protocol state payload as of event time `now` (advances first)."""
        self.advance(now)
        return self._payload(now)

    # -- labels ------------------------------------------------------------------------------
    def label(self, state: str, ts: float) -> None:
        """A self report: the last minutes were `state`; learners update at once."""
        if state not in _LABEL_TARGETS:
            return
        ys, yf = _LABEL_TARGETS[state]
        xs = [x for t, x in self.history if ts - LABEL_WINDOW <= t <= ts + TICK]
        if self.wf.last_act is not None and not self.idle.is_idle(self.wf.last_act, ts):
            x_now = add_votes(self.wf.snapshot(ts, learn=False))
            xs.append(x_now)
        self.reports[state] = self.reports.get(state, 0) + 1
        ws = LABEL_WEIGHT * report_weight(self._rate(self.stuck, "stuck"), self.reports, "stuck", ys)
        wf = LABEL_WEIGHT * report_weight(self._rate(self.flow, "flow"), self.reports, "flow", yf)
        for x in xs:
            if self.on_stuck:
                self.stuck.learn_one(x, ys, w=ws)
            if self.on_flow:
                self.flow.learn_one(x, yf, w=wf)
        self.labels += 1
        # the developer just told us: show it now
        self.ps = max(self.ps, ENTER_STUCK) if ys else min(self.ps, EXIT_STUCK - 0.01)
        self.pf = max(self.pf, ENTER_FLOW) if yf else min(self.pf, EXIT_FLOW - 0.01)
        self._set_tick_state(state, ts)

    @staticmethod
    def _rate(model: Any, cls: str) -> float:
        """How often `cls` occurred in the prior's training data."""
        return float((model.prior or {}).get("rate", BASE_RATES[cls]))

    def feedback(self, suggestion_id: str, helpful: bool) -> None:
        """Suggestion feedback: helpful = the developer was stuck then; not helpful = was not."""
        rec = self.suggestions.get(suggestion_id)
        if rec is None or not self.on_stuck:
            return
        _, xs = rec
        for x in xs:
            self.stuck.learn_one(x, bool(helpful), w=LABEL_WEIGHT if helpful else 0.5 * LABEL_WEIGHT)
        self.labels += 1

    # -- models, persistence -------------------------------------------------------------------
    def models_info(self) -> list[dict]:
        """Name, version, training time, samples and metrics of each learner in use."""
        out = []
        for name, model, on in (("stuck", self.stuck, self.on_stuck), ("flow", self.flow, self.on_flow)):
            if not on:
                continue
            prior = model.prior or {}
            out.append({"name": name, "version": prior.get("version", 0), "trained_at": prior.get("trained_at"),
                        "samples": int(prior.get("samples", 0)) + model.n,
                        "metrics": {**prior.get("metrics", {}), "labels": model.n}})
        if self.on_anomaly:
            out.append({"name": "anomaly", "version": 1, "trained_at": None, "samples": self.anomaly.n,
                        "metrics": {"modes": {k: m["n"] for k, m in self.anomaly.modes.items()},
                                    "drifts": self.anomaly.drifts}})
        return out

    def save(self) -> None:
        """Persist the learners and the running window state (atomic JSON write)."""
        if self.state_path is not None:
            registry.save_state(self.state_path, detector_state.dump(self))

    def _restore(self, saved: dict) -> None:
        detector_state.restore(self, saved)

    def reset(self) -> None:
        """Forget: back to the shipped prior, empty windows; the state file is removed."""
        self._fresh()
        if self.state_path is not None:
            with contextlib.suppress(FileNotFoundError):
                self.state_path.unlink()
