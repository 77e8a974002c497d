"""Offline use of the pipeline: `replay` a recorded session, `forget`, and opening a data dir."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .options import Options
from .runtime import make_detector
from .telemetry.memstore import MemoryStore
from .telemetry.pipeline import Pipeline
from .telemetry.privacy import PathPolicy
from .telemetry.store import SQLiteStore

BATCH = 200


def open_pipeline(data_dir: Path | None, options: Options | None = None, notify=None) -> Pipeline:
    """The server's pipeline on a data dir (None: in memory, with fresh learners)."""
    options = options or Options(dataDir=str(data_dir) if data_dir else None)
    store = SQLiteStore(data_dir) if data_dir else MemoryStore()
    policy = PathPolicy(options.privacy.paths, store.secret("path-salt"))
    return Pipeline(store, policy, make_detector(options, data_dir), notify=notify,
                    retention_days=options.privacy.retentionDays)


def _clock(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%H:%M:%S")


def replay_file(path: Path, data_dir: Path | None, echo: Callable[[str], None] = print) -> dict:
    """Feed a JSON-lines session through the pipeline in batches; print what it did."""
    notes: list[tuple[str, dict]] = []
    pipeline = open_pipeline(data_dir, notify=lambda m, p: notes.append((m, p)))
    kinds: Counter = Counter()
    accepted = rejected = bad_lines = 0
    batch: list = []

    def flush() -> None:
        nonlocal accepted, rejected
        if batch:
            result = pipeline.ingest_batches([batch])[0]
            accepted += result["accepted"]
            rejected += len(result["rejected"])
            for r in result["rejected"][:5]:
                echo(f"  rejected: {r['reason']}")
            batch.clear()
            for method, params in notes:
                if method == "pulsedev/state":
                    echo(f"  {_clock(params['since'])}  {params['state']:<8} {params.get('reason', '')}")
                else:
                    echo(f"  suggestion: {params.get('title', '')}")
            notes.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except ValueError:
                bad_lines += 1
                continue
            raw = raw.get("event", raw) if isinstance(raw, dict) and raw.get("type") == "event" else raw
            if isinstance(raw, dict):
                kinds[raw.get("kind")] += 1
            batch.append(raw)
            if len(batch) >= BATCH:
                flush()
    flush()
    status = pipeline.status(None)
    pipeline.save()
    pipeline.store.close()
    echo(f"{accepted} events accepted, {rejected} rejected, {bad_lines} lines not JSON")
    echo("by kind: " + ", ".join(f"{k}={n}" for k, n in kinds.most_common()))
    echo(f"final state: {status['state']['state']} ({status['state'].get('reason', '')})")
    return {"accepted": accepted, "rejected": rejected, "status": status}


def forget_all(data_dir: Path, before: float | None = None) -> int:
    """Delete events (and, for all, learned state) in a data dir; returns events deleted."""
    pipeline = open_pipeline(data_dir)
    n = pipeline.forget(before)
    pipeline.store.close()
    if before is None:
        for folder in (data_dir / "models", data_dir / "types"):  # the learners; the type models and hint feedback
            for path in folder.glob("*") if folder.exists() else []:
                if path.is_file():
                    path.unlink()
        for name in ("report.html",):
            (data_dir / name).unlink(missing_ok=True)
    return n
