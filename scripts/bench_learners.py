"""Learner cost benchmark: per-event feature update, per-tick scoring, learning, state.

    python scripts/bench_learners.py [--days 2] [--repeat 3]

Prints, on simulated days (medians of `--repeat` runs):
(1) `WindowFeatures.observe` per event (target < 20 µs) and the detector's
    whole `observe` per event (what the ingest worker pays per event);
(2) one window tick (snapshot + stuck + flow + anomaly score and learn), per tick;
(3) `Detector.state(now)` between ticks (the `pulsedev/status` domain cost);
(4) a self report (label: learners update at once) and `save()`;
(5) replay speed of whole days, events/s, with every learner on and with all off.
Scoring and learning run per tick (once per event-time minute), never per event.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pulsedev.models.detector import Detector
from pulsedev.models.features import WindowFeatures
from pulsedev.models.simulation import NAMED, simulate_day
from pulsedev.options import parse_options


def _events(days: int):
    evs = []
    for i in range(days):
        d = simulate_day(list(NAMED.values())[i % len(NAMED)], seed=i, start=1_767_258_000.0 + i * 86400)
        evs += [e for e in d.events if e.kind != "self_report"]
    return evs


def bench_observe(evs) -> float:
    """µs per event of WindowFeatures.observe."""
    w = WindowFeatures()
    obs = w.observe
    t = time.perf_counter()
    for e in evs:
        obs(e)
    return (time.perf_counter() - t) / len(evs) * 1e6


def bench_detector(evs, options) -> dict:
    """Detector costs over a replay: observe per event, tick, state, label, save."""
    with tempfile.TemporaryDirectory() as tmp:
        det = Detector(options, Path(tmp) / "d.json")
        obs_t = 0.0
        tick_times: list[float] = []
        inner = det._tick

        def timed_tick(t_):
            t0 = time.perf_counter()
            out = inner(t_)
            tick_times.append(time.perf_counter() - t0)
            return out

        det._tick = timed_tick
        states = []
        for i, e in enumerate(evs):
            t = time.perf_counter()
            det.observe(e)
            obs_t += time.perf_counter() - t
            if det.next_tick is not None and e.ts >= det.next_tick:
                det.advance(e.ts)
            if i % 97 == 0:
                t = time.perf_counter()
                det.state(e.ts)
                states.append(time.perf_counter() - t)
        t = time.perf_counter()
        det.label("stuck", evs[-1].ts)
        label = time.perf_counter() - t
        t = time.perf_counter()
        det.save()
        save = time.perf_counter() - t
        size = (Path(tmp) / "d.json").stat().st_size
    tick_t = sum(tick_times)
    return {"observe_us": obs_t / len(evs) * 1e6, "tick_ms": tick_t / max(len(tick_times), 1) * 1e3,
            "ticks": len(tick_times),
            "state_p50_us": statistics.median(states) * 1e6,
            "state_p99_us": sorted(states)[int(0.99 * (len(states) - 1))] * 1e6,
            "label_ms": label * 1e3, "save_ms": save * 1e3, "state_kb": size / 1024,
            "events_per_s": len(evs) / (obs_t + tick_t)}


def main() -> None:
    """Run and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    evs = _events(args.days)
    on = parse_options({})[0]
    off = parse_options({"features": {"stuck": False, "flow": False, "anomaly": False}})[0]
    obs = statistics.median(bench_observe(evs) for _ in range(args.repeat))
    runs = [bench_detector(evs, on) for _ in range(args.repeat)]
    d = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    d_off = bench_detector(evs, off)
    t = time.perf_counter()
    Detector(on, None)
    load_ms = (time.perf_counter() - t) * 1e3
    print(f"bench_learners: {len(evs)} simulated events over {args.days} day(s), median of {args.repeat}")
    print(f"  WindowFeatures.observe per event     {obs:8.2f} µs   (target < 20 µs)")
    print(f"  Detector.observe per event           {d['observe_us']:8.2f} µs")
    print(f"  window tick (features+3 learners)    {d['tick_ms']:8.3f} ms   ({d['ticks']:.0f} ticks)")
    print(f"  Detector.state(now) p50 / p99        {d['state_p50_us']:8.1f} / {d['state_p99_us']:.1f} µs")
    print(f"  self report (label, learners update) {d['label_ms']:8.3f} ms")
    print(f"  save() / state file                  {d['save_ms']:8.2f} ms / {d['state_kb']:.1f} KiB")
    print(f"  new Detector (load priors)           {load_ms:8.2f} ms")
    print(f"  replay, every learner on             {d['events_per_s']:10,.0f} events/s")
    print(f"  replay, every learner off            {d_off['events_per_s']:10,.0f} events/s")


if __name__ == "__main__":
    main()
