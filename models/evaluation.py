"""Session evaluation: replay simulated days through the detector and print the figures.

`run_session_eval` is `pulsedev eval sessions`.  Per persona it replays, over
LSP through the real server (`transport="server"`, the default) or through
an in-process `Detector` (`"inprocess"`, for quick iteration):

- cold: a fresh server replays test day T (no self reports);
- personalised: a fresh server replays day R with sparse self reports, then
  T (shifted by a day), then ordinary days, then a day U with unusual
  stretches (the anomaly figures).

Each minute it sends that minute's events as `pulsedev/telemetry` batches and
reads the state from `pulsedev/status` with `{"now": t}`.  Figures: per-class
precision/recall/F1, false stuck alarms per hour, median minutes to detect
a stuck episode, AUC and Brier of `scores.stuck` against the baseline "count
of consecutive failed runs", anomaly AUC and the share of ordinary (and of
stuck) minutes at 0.5 or above; the spread across personas.  A row
"keystroke*" comes from a second, differently built generator
(`simulation_alt.py`) that the prior never saw.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pulsedev.models.simulation import NAMED, Day, random_persona, simulate_day
from pulsedev.models.transports import TRANSPORTS, InProcess, OverLsp  # noqa: F401 (re-exported)

DAY_S = 86400.0
BASE = 1_767_258_000.0
CLASSES = ("stuck", "flow", "neutral", "idle")


@dataclass
class Trace:
    """Per minute: truth, predicted state, scores (one replayed day)."""

    truth: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    stuck: list[float] = field(default_factory=list)
    anomaly: list[float] = field(default_factory=list)
    unusual: list[bool] = field(default_factory=list)
    fails: list[int] = field(default_factory=list)  # baseline: consecutive failed runs


def replay(transport: Any, day: Day) -> Trace:
    """Send a day minute by minute and read the state at every minute boundary."""
    tr = Trace()
    events = day.events
    k = 0
    streak = 0
    for t, label, odd in day.minutes:
        batch = []
        while k < len(events) and events[k].ts < t:
            e = events[k]
            if e.kind == "test_run":
                streak = streak + 1 if (e.get("failed") or 0) + (e.get("errors") or 0) else 0
            batch.append(e)
            k += 1
        if batch:
            transport.send(batch)
        st = transport.status(t)
        tr.truth.append(label)
        tr.pred.append(st["state"])
        tr.stuck.append(float(st["scores"]["stuck"]))
        tr.anomaly.append(float(st["scores"]["anomaly"]))
        tr.unusual.append(odd)
        tr.fails.append(streak)
    return tr


def _episodes(labels: list[str], which: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, lab in enumerate(labels + ["_"]):
        if lab == which and start is None:
            start = i
        elif lab != which and start is not None:
            out.append((start, i))
            start = None
    return out


def _auc(pos: list[float], neg: list[float]) -> float | None:
    if not pos or not neg:
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score([1] * len(pos) + [0] * len(neg), pos + neg))


def state_figures(tr: Trace) -> dict:
    """Per-class P/R/F1, false stuck alarms/h, detection minutes, stuck-score AUC and Brier."""
    out: dict[str, Any] = {}
    for c in CLASSES:
        tp = sum(1 for t, p in zip(tr.truth, tr.pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(tr.truth, tr.pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(tr.truth, tr.pred) if t == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        out[c] = {"p": prec, "r": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0,
                  "tp": tp, "fp": fp, "fn": fn}
    true_eps = _episodes(tr.truth, "stuck")
    false_alarms = 0
    for s, e in _episodes(tr.pred, "stuck"):
        if not any(tr.truth[i] == "stuck" for i in range(max(0, s - 2), min(len(tr.truth), e + 2))):
            false_alarms += 1
    active_h = sum(1 for t in tr.truth if t != "idle") / 60.0
    out["false_stuck_per_h"] = false_alarms / active_h if active_h else 0.0
    delays, missed = [], 0
    for s, e in true_eps:
        hit = next((i for i in range(s, e) if tr.pred[i] == "stuck"), None)
        if hit is None:
            missed += 1
        else:
            delays.append(hit - s + 1)
    out["detect_min"] = delays
    out["missed_episodes"] = missed
    act = [i for i, t in enumerate(tr.truth) if t != "idle"]
    pos = [tr.stuck[i] for i in act if tr.truth[i] == "stuck"]
    neg = [tr.stuck[i] for i in act if tr.truth[i] != "stuck"]
    out["stuck_auc"] = _auc(pos, neg)
    out["fails_auc"] = _auc([tr.fails[i] for i in act if tr.truth[i] == "stuck"],
                            [tr.fails[i] for i in act if tr.truth[i] != "stuck"])
    out["brier"] = (sum((tr.stuck[i] - (tr.truth[i] == "stuck")) ** 2 for i in act) / len(act)) if act else None
    out["ece"] = _ece([tr.stuck[i] for i in act], [tr.truth[i] == "stuck" for i in act])
    return out


def _ece(p: list[float], y: list[bool], bins: int = 10) -> float | None:
    """Expected calibration error: mean |observed rate - mean p| over 10 probability bins, weighted."""
    if not p:
        return None
    total = 0.0
    for b in range(bins):
        idx = [i for i, v in enumerate(p) if b / bins <= v < (b + 1) / bins or (b == bins - 1 and v == 1.0)]
        if idx:
            total += len(idx) * abs(sum(y[i] for i in idx) / len(idx) - sum(p[i] for i in idx) / len(idx))
    return total / len(p)


def anomaly_figures(tr: Trace) -> dict:
    """AUC unusual vs ordinary minutes; share of ordinary and of stuck minutes >= 0.5."""
    act = [i for i, t in enumerate(tr.truth) if t != "idle"]
    pos = [tr.anomaly[i] for i in act if tr.unusual[i]]
    neg = [tr.anomaly[i] for i in act if not tr.unusual[i]]
    stuck = [tr.anomaly[i] for i in act if tr.truth[i] == "stuck" and not tr.unusual[i]]
    return {"auc": _auc(pos, neg), "ordinary_ge_05": sum(s >= 0.5 for s in neg) / len(neg) if neg else 0.0,
            "stuck_ge_05": sum(s >= 0.5 for s in stuck) / len(stuck) if stuck else 0.0, "n_unusual": len(pos)}


def _merge(traces: list[Trace]) -> Trace:
    out = Trace()
    for tr in traces:
        for f in ("truth", "pred", "stuck", "anomaly", "unusual", "fails"):
            getattr(out, f).extend(getattr(tr, f))
    return out


def _cold(make: Callable[[Path], Any], work: Path, day: Day) -> tuple[Trace, int]:
    """A day replayed by a fresh server (no self reports): its trace and the state notifications sent."""
    transport = make(work / "cold")
    try:
        return replay(transport, day), transport.count("pulsedev/state")
    finally:
        transport.close()


def evaluate_persona(persona, seed: int, days: int, hours: float, transport: str, work: Path) -> dict:
    """Cold, personalised and anomaly traces for one persona."""
    make = TRANSPORTS[transport]
    test = lambda k: simulate_day(persona, seed, start=BASE + k * DAY_S, hours=hours)  # noqa: E731
    cold, cold_notes = _cold(make, work, test(0))
    warm_t = make(work / "warm")
    try:
        replay(warm_t, simulate_day(persona, seed + 1, start=BASE, hours=hours, self_reports=True))
        warm = replay(warm_t, test(1))
        for k in range(max(0, days - 2)):
            replay(warm_t, simulate_day(persona, seed + 10 + k, start=BASE + (2 + k) * DAY_S, hours=hours))
        odd = replay(warm_t, simulate_day(persona, seed + 99, start=BASE + (2 + max(0, days - 2)) * DAY_S,
                                          hours=hours, unusual=True))
    finally:
        warm_t.close()
    return {"cold": cold, "warm": warm, "odd": odd, "state_notes": cold_notes}


def evaluate_alt(seed: int, transport: str, work: Path) -> dict:
    """Cold and personalised traces on the out-of-family generator (keystroke-level, edits and tests only)."""
    from pulsedev.models.simulation_alt import keystroke_day

    make = TRANSPORTS[transport]
    test = lambda k: keystroke_day(seed, start=BASE + k * DAY_S)  # noqa: E731
    cold, notes = _cold(make, work, test(0))
    warm_t = make(work / "warm")
    try:
        replay(warm_t, keystroke_day(seed + 1, start=BASE, self_reports=True))
        warm = replay(warm_t, test(1))
    finally:
        warm_t.close()
    return {"cold": cold, "warm": warm, "odd": None, "state_notes": notes}


def _fmt(v: Any) -> str:
    return "  n/a" if v is None else f"{v:5.2f}"


def run_session_eval(days: int = 3, seed: int = 7, quick: bool = False, echo: Callable[[str], None] = print,
                     transport: str = "server", personas: list | None = None, alt: bool = True) -> dict:
    """Replay simulated days per persona (see module doc) and print the figures; returns them."""
    if personas is None:
        personas = list(NAMED.values()) + [random_persona(__import__("random").Random(seed), "random")]
        if quick:
            personas = personas[:2]
    hours = 3.0 if quick else 8.0
    days = max(2, days)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pulsedev-eval-") as tmp:
        for i, p in enumerate(personas):
            results[p.name] = evaluate_persona(p, seed + 1000 * i, days, hours, transport, Path(tmp) / p.name)
        if alt:
            results["keystroke*"] = evaluate_alt(seed + 77, transport, Path(tmp) / "alt")
    echo(f"pulsedev eval sessions: {len(personas)} personas, days of {hours:g} h, transport={transport}, seed={seed}")
    echo(f"per persona: cold = a fresh server replays day T; personalised = a fresh server replays day R with "
         f"sparse self reports, then T; anomaly = the same server then replays {days - 2} more ordinary day(s) "
         f"and a day U with unusual stretches")
    echo("columns: stuck precision/recall/F1 per minute; F1 of flow, neutral, idle; FA/h = stuck episodes "
         "reported with no true stuck minute near, per active hour; det min = median minutes from a stuck "
         "episode's start to its first stuck minute; AUC of scores.stuck vs the baseline 'consecutive failed "
         "runs' (fails); Brier and ECE of scores.stuck")
    if alt:
        echo("keystroke* = the out-of-family generator (models/simulation_alt.py: keystroke events, "
             "edits and tests only; not used for training)")
    summary: dict[str, Any] = {}
    for phase, title in (("cold", "COLD (no self reports)"), ("warm", "AFTER A DAY OF SPARSE SELF REPORTS")):
        echo(f"\n== {title}")
        echo(f"{'persona':10} {'stuck P/R/F1':>18} {'flow F1':>7} {'neut F1':>7} {'idle F1':>7} "
             f"{'FA/h':>5} {'det min':>7} {'missed':>6} {'AUC':>5} {'fails':>5} {'Brier':>5} {'ECE':>5}")
        per = {}
        for name, r in results.items():
            f = state_figures(r[phase])
            per[name] = f
            med = statistics.median(f["detect_min"]) if f["detect_min"] else None
            echo(f"{name:10} {f['stuck']['p']:5.2f}/{f['stuck']['r']:4.2f}/{f['stuck']['f1']:4.2f}     "
                 f"{f['flow']['f1']:7.2f} {f['neutral']['f1']:7.2f} {f['idle']['f1']:7.2f} "
                 f"{f['false_stuck_per_h']:5.2f} {_fmt(med):>7} {f['missed_episodes']:>6} "
                 f"{_fmt(f['stuck_auc'])} {_fmt(f['fails_auc'])} {_fmt(f['brier'])} {_fmt(f['ece'])}")
        allf = state_figures(_merge([r[phase] for r in results.values()]))
        med = statistics.median(allf["detect_min"]) if allf["detect_min"] else None
        echo(f"{'ALL':10} {allf['stuck']['p']:5.2f}/{allf['stuck']['r']:4.2f}/{allf['stuck']['f1']:4.2f}     "
             f"{allf['flow']['f1']:7.2f} {allf['neutral']['f1']:7.2f} {allf['idle']['f1']:7.2f} "
             f"{allf['false_stuck_per_h']:5.2f} {_fmt(med):>7} {allf['missed_episodes']:>6} "
             f"{_fmt(allf['stuck_auc'])} {_fmt(allf['fails_auc'])} {_fmt(allf['brier'])} {_fmt(allf['ece'])}")
        f1s = [per[n]["stuck"]["f1"] for n in per]
        echo(f"stuck F1 spread across personas: min {min(f1s):.2f} median {statistics.median(f1s):.2f} "
             f"max {max(f1s):.2f}")
        summary[phase] = {"all": allf, "per_persona": per, "median_detect_min": med}
    echo("\n== ANOMALY (after ordinary days; a day with unusual stretches)")
    echo(f"{'persona':10} {'AUC':>5} {'ord>=.5':>8} {'stuck>=.5':>9} {'unusual min':>11}")
    an = {}
    for name, r in results.items():
        if r["odd"] is None:
            continue
        a = anomaly_figures(r["odd"])
        an[name] = a
        echo(f"{name:10} {_fmt(a['auc'])} {a['ordinary_ge_05']:8.3f} {a['stuck_ge_05']:9.3f} {a['n_unusual']:11d}")
    a = anomaly_figures(_merge([r["odd"] for r in results.values() if r["odd"] is not None]))
    echo(f"{'ALL':10} {_fmt(a['auc'])} {a['ordinary_ge_05']:8.3f} {a['stuck_ge_05']:9.3f} {a['n_unusual']:11d}")
    aucs = [v["auc"] for v in an.values() if v["auc"] is not None]
    if aucs:
        echo(f"anomaly AUC spread across personas: min {min(aucs):.2f} median {statistics.median(aucs):.2f} "
             f"max {max(aucs):.2f}")
    summary["anomaly"] = {"all": a, "per_persona": an}
    summary["state_notifications_cold"] = {n: r["state_notes"] for n, r in results.items()}
    return summary


if __name__ == "__main__":
    run_session_eval(quick="--quick" in sys.argv, transport="inprocess" if "--inprocess" in sys.argv else "server")
