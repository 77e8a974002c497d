"""The spool folder: where out-of-process producers (the test tracer) drop records.

A producer writes `NAME.jsonl.tmp` and renames it to `NAME.jsonl` when it is
complete.  A server claims a file by renaming it (only one server of several
sharing the data dir wins), reads it, stores its events under the file's
name in the same transaction (so a file is never ingested twice, even after
a crash between claim and delete) and then deletes it.

Each line is a JSON object with a `type`: `{"type": "event", "event": {...}}`
becomes a telemetry event (validated by the pipeline like any other); any other type goes
to the listeners registered for it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CLAIM = ".claimed-"
STALE_CLAIM_SECONDS = 600.0
MAX_FILE_BYTES = 64 << 20


@dataclass
class SpoolFile:
    """The parsed content of one claimed spool file."""

    name: str
    path: Path
    events: list[dict[str, Any]] = field(default_factory=list)  # raw: validated by the pipeline
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rejected: int = 0


def spool_dir(data_dir: Path) -> Path:
    """The spool folder of a data dir (made private on first use)."""
    folder = data_dir / "spool"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def claim(folder: Path) -> list[Path]:
    """Claim every complete spool file (and stale claims of crashed servers); oldest first."""
    claimed = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.stat().st_mtime)
    except OSError:
        return []
    now = time.time()
    for entry in entries:
        name = entry.name
        if name.endswith(".jsonl"):
            target = folder / f"{name}{CLAIM}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        elif CLAIM in name and now - entry.stat().st_mtime > STALE_CLAIM_SECONDS:
            target = folder / f"{name.split(CLAIM)[0]}{CLAIM}{os.getpid()}-{uuid.uuid4().hex[:8]}"
        else:
            continue
        try:
            os.rename(entry.path, target)  # atomic: exactly one server wins
        except OSError:
            continue
        claimed.append(target)
    return claimed


def read(path: Path) -> SpoolFile:
    """Parse a claimed file; bad lines are counted and skipped, never raised."""
    out = SpoolFile(name=path.name.split(CLAIM)[0], path=path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            log.warning("spool file %s is over %d MiB; skipped", out.name, MAX_FILE_BYTES >> 20)
            out.rejected += 1
            return out
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        log.warning("cannot read spool file %s: %s", out.name, exc)
        return out
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            out.rejected += 1
            continue
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == "event":
            out.events.append(record.get("event"))
        elif isinstance(kind, str):
            out.records.setdefault(kind, []).append(record)
        else:
            out.rejected += 1
    return out


def done(path: Path) -> None:
    """Remove an ingested file."""
    with contextlib.suppress(OSError):
        path.unlink()
