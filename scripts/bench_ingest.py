"""Ingest benchmark: events/s through the real server over stdio into SQLite, next to the raw loop.

    python scripts/bench_ingest.py [--events 200000] [--in-flight 4]

Prints (1) end-to-end events/s: batches of 200 sent over LSP to `pulsedev serve`
with up to N batches in flight, each acknowledged only after its commit;
(2) the raw loop in the same run: the same JSON message bodies parsed, rows
built from the dicts in Python (uri hashed, data dumped) and executemany'd
into the same schema, one transaction per batch; (3) p50/p99 of
`pulsedev/status` while the burst is being ingested.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path

from pulsedev.client import LspClient
from pulsedev.telemetry.store import SQLiteStore

KINDS = ["file_modified"] * 6 + ["cursor_moved"] * 2 + ["file_saved", "focus_changed", "test_run", "command_executed"]


def make_events(n: int, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    t0 = time.time() - 3600
    out = []
    for i in range(n):
        kind = rnd.choice(KINDS)
        ev = {"kind": kind, "ts": t0 + i * 0.01, "uri": f"file:///work/project/pkg/mod{rnd.randrange(40)}.py"}
        if kind == "file_modified":
            ev["data"] = {"chars_added": rnd.randrange(20), "chars_deleted": rnd.randrange(5), "lines_changed": 1}
        elif kind == "cursor_moved":
            ev["data"] = {"line": rnd.randrange(500)}
        elif kind == "focus_changed":
            ev["data"] = {"target": "editor", "focused": True}
        elif kind == "test_run":
            ev["data"] = {"passed": rnd.randrange(50), "failed": rnd.randrange(3), "duration_s": 1.5}
        elif kind == "command_executed":
            ev["data"] = {"command": "pytest", "exit_code": rnd.choice([0, 1])}
        out.append(ev)
    return out


def bodies_of(events: list[dict], batch: int) -> list[str]:
    return [json.dumps({"events": events[i:i + batch]}, separators=(",", ":")) for i in range(0, len(events), batch)]


def raw_loop(bodies: list[str]) -> float:
    """The same JSON parsed, rows built in Python, executemany'd into the same schema."""
    store = SQLiteStore(Path(tempfile.mkdtemp()) / "raw")
    conn = store.db.conn
    salt = b"x" * 32
    t = time.perf_counter()
    c = time.process_time()
    n = 0
    for body in bodies:
        events = json.loads(body)["events"]
        rows = [(e["ts"], e["kind"], "h:" + hashlib.blake2b(e["uri"].encode(), key=salt, digest_size=12).hexdigest(),
                 json.dumps(e["data"], separators=(",", ":")) if "data" in e else None) for e in events]
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO events(ts, kind, path, data) VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        n += len(rows)
    rate = n / (time.perf_counter() - t)
    cpu_us = (time.process_time() - c) / n * 1e6
    store.close()
    return rate, cpu_us


def cpu_seconds(pid: int) -> dict[str, float]:
    """CPU time (user + system) of a process and of each of its children, by command (Linux /proc)."""
    out: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for p in [str(pid), *kids]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        name = "writer" if b"pulsedev.telemetry.writer" in cmd else "server" if p == str(pid) else "other"
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def through_server(bodies: list[str], n_events: int, in_flight: int, status_every: float,
                   learners: bool = True) -> tuple[float, list[float], dict[str, float]]:
    data_dir = tempfile.mkdtemp()
    options: dict = {"dataDir": data_dir}
    if not learners:
        options["features"] = {"stuck": False, "flow": False, "anomaly": False}
    with LspClient.spawn() as client:
        client.initialize(None, options)
        client.request("pulsedev/status", None)
        latencies: list[float] = []
        done = threading.Event()

        def probe() -> None:
            while not done.is_set():
                t = time.perf_counter()
                client.request("pulsedev/status", None)
                latencies.append((time.perf_counter() - t) * 1000)
                time.sleep(status_every)

        prober = threading.Thread(target=probe)
        window: deque = deque()
        cpu0 = cpu_seconds(client.proc.pid)
        t = time.perf_counter()
        prober.start()
        accepted = 0
        for body in bodies:
            if len(window) >= in_flight:
                accepted += window.popleft().result(60)["accepted"]
            window.append(client.request_prepared_async("pulsedev/telemetry", body))
        while window:
            accepted += window.popleft().result(60)["accepted"]
        elapsed = time.perf_counter() - t
        cpu1 = cpu_seconds(client.proc.pid)
        done.set()
        prober.join()
        stored = client.request("pulsedev/status", None)["events"]["stored"]
    assert accepted == n_events == stored, (accepted, n_events, stored)
    cpu = {k: (cpu1[k] - cpu0.get(k, 0.0)) / n_events * 1e6 for k in cpu1}
    return n_events / elapsed, latencies, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--status-every", type=float, default=0.005, help="seconds between status probes")
    parser.add_argument("--learners", choices=["on", "off"], default="on", help="stuck/flow/anomaly learners")
    args = parser.parse_args()
    events = make_events(args.events)
    bodies = bodies_of(events, args.batch)
    raw, raw_cpu = raw_loop(bodies)
    e2e, lat, cpu = through_server(bodies, args.events, args.in_flight, args.status_every, args.learners == "on")
    lat.sort()
    p50 = statistics.median(lat)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
    print(f"events:           {args.events} in batches of {args.batch}, {args.in_flight} in flight, "
          f"learners {args.learners}")
    print(f"raw loop:         {raw:,.0f} events/s (parse + build rows + executemany, same schema)")
    print(f"through server:   {e2e:,.0f} events/s end to end over stdio ({e2e / raw:.2f} of raw)")
    print(f"CPU per event:    raw loop {raw_cpu:.1f} µs; server "
          + ", ".join(f"{k} process {v:.1f} µs" for k, v in cpu.items())
          + " (what the figures would be without other load: 1e6 / the busiest)")
    print(f"status during burst: p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(lat)} requests")
    ok = e2e >= 100_000 and e2e >= raw / 3 and p99 < 20
    print(f"targets (>=100k/s, >=1/3 raw, p99<20ms): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
