"""`MemoryStore`: the event store's interface (`store.Store`) in memory, for tests and `replay --dry-run`.

Rows are kept as the SQLite store keeps them (data encoded as JSON), so what
reads back is what the database would give.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

from .events import Event
from .store import row_event, utc_day
from .writer import Row, encode, settle


class MemoryStore:
    """The same interface in memory: for tests and `replay --dry-run`."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.spooled: set[str] = set()
        self.secrets: dict[str, bytes] = {}

    def insert(self, rows: list[Row], spool_name: str | None = None) -> int:
        if spool_name is not None:
            if spool_name in self.spooled:
                return 0
            self.spooled.add(spool_name)
        self.rows.extend((ts, kind, path, encode(data) if data else None) for ts, kind, path, data in rows)
        return len(rows)

    def submit(self, rows: list[Row], spool_name: str | None = None) -> Future:
        return settle(Future(), self.insert, rows, spool_name)

    def flush(self) -> None:
        pass

    def spool_seen(self, name: str) -> bool:
        return name in self.spooled

    def count(self) -> int:
        return len(self.rows)

    def summary(self) -> list[dict[str, Any]]:
        counts: dict[tuple[str, str], int] = {}
        for ts, kind, _, _ in self.rows:
            key = (utc_day(ts), kind)
            counts[key] = counts.get(key, 0) + 1
        return [{"day": d, "kind": k, "events": n} for (d, k), n in sorted(counts.items())]

    def events(self, since: float | None = None, until: float | None = None) -> Iterator[Event]:
        lo = since if since is not None else float("-inf")
        hi = until if until is not None else float("inf")
        rows = sorted((r for r in self.rows if lo <= r[0] < hi), key=lambda r: r[0])
        return (row_event(*r) for r in rows)

    def delete(self, before: float | None = None) -> int:
        keep = [] if before is None else [r for r in self.rows if r[0] >= before]
        n = len(self.rows) - len(keep)
        self.rows = keep
        if before is None:
            self.spooled.clear()
        return n

    def vacuum(self) -> None:
        """Nothing to give back in memory."""

    def secret(self, name: str) -> bytes:
        return self.secrets.setdefault(name, secrets.token_bytes(32))

    def integrity(self) -> str:
        return "ok"

    def close(self) -> None:
        """Nothing to release."""
