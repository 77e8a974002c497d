"""Regenerate the demo's bundled session (`server/data/demo_session.jsonl`) from the simulator.

    python scripts/make_demo_session.py

A 100-minute morning of the `steady` persona with a clear flow stretch, a
stuck stretch (the same failing test, again and again), a break and more
flow.  Timestamps start at 0; `pulsedev demo` shifts them to end now.
"""

from __future__ import annotations

import json
from pathlib import Path

from pulsedev.models.simulation import NAMED, simulate_day

PLAN = [("flow", 25, ""), ("neutral", 8, ""), ("stuck", 22, "loop"), ("flow", 15, ""), ("break", 12, ""),
        ("flow", 18, "")]


def main() -> None:
    day = simulate_day(NAMED["steady"], seed=11, start=0.0, hours=sum(m for _, m, _ in PLAN) / 60, plan=PLAN)
    out = Path(__file__).resolve().parents[1] / "server" / "data" / "demo_session.jsonl"
    with open(out, "w", encoding="utf-8") as f:
        for e in day.events:
            f.write(json.dumps(e.to_dict(), separators=(",", ":")) + "\n")
    print(f"{len(day.events)} events, {day.end - day.start:.0f} s -> {out}")


if __name__ == "__main__":
    main()
