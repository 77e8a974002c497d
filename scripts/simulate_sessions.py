"""Generate labelled developer days as JSON lines (the simulator is `pulsedev.models.simulation`).

    python scripts/simulate_sessions.py --out days/ [--persona steady|tdd|hacker|explorer|slow|random]
        [--days 3] [--seed 7] [--hours 8] [--self-reports] [--unusual] [--idle-after 180]

Writes, per day, `<persona>-<k>.events.jsonl` (one protocol event per line,
ready for `pulsedev replay` or a `pulsedev/telemetry` batch) and
`<persona>-<k>.labels.jsonl` (`{"t", "label", "unusual"}` per minute
boundary: the truth the evaluation scores against), and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from pulsedev.models.simulation import NAMED, random_persona, simulate_day

DAY_S = 86400.0


def main() -> None:
    """Parse arguments, write the days, print what was written."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--persona", default="all", help="a named persona, 'random', or 'all' (default)")
    ap.add_argument("--days", type=int, default=1)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hours", type=float, default=8.0)
    ap.add_argument("--start", type=float, default=1_767_258_000.0)
    ap.add_argument("--self-reports", action="store_true", help="add sparse self_report events (the truth)")
    ap.add_argument("--unusual", action="store_true", help="insert stretches of unusual pace, rhythm or mix")
    ap.add_argument("--idle-after", type=float, default=180.0)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    if args.persona == "all":
        personas = list(NAMED.values())
    elif args.persona == "random":
        personas = [random_persona(rng, f"random{args.seed}")]
    else:
        personas = [NAMED[args.persona]]
    for p in personas:
        for k in range(args.days):
            day = simulate_day(p, seed=rng.randrange(1 << 30), start=args.start + k * DAY_S, hours=args.hours,
                               idle_after=args.idle_after, self_reports=args.self_reports, unusual=args.unusual)
            stem = args.out / f"{p.name}-{k}"
            with open(f"{stem}.events.jsonl", "w") as fh:
                for e in day.events:
                    fh.write(json.dumps(e.to_dict(), separators=(",", ":")) + "\n")
            with open(f"{stem}.labels.jsonl", "w") as fh:
                for t, label, odd in day.minutes:
                    fh.write(json.dumps({"t": t, "label": label, "unusual": odd}) + "\n")
            counts = Counter(label for _, label, _ in day.minutes)
            print(f"{stem}: {len(day.events)} events, minutes {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
