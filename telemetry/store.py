"""The event store: the `Store` interface and its SQLite backend (memstore.py is its in-memory twin).

SQLite (through sqlite-utils) in WAL mode with a busy timeout, so several
servers (editor windows) can share one data dir; a batch acknowledged after
`insert` returns (or `submit`'s future resolves) survives a killed process
(see `writer.SYNCHRONOUS`).  The server's store commits inserts in a child
process (`writer.py`); every other call first waits for those to land.
Rows are `(ts, kind, path, data)`: `path` is already what the privacy
policy allows, `data` only the validated fields (a dict, stored as JSON).
The schema version lives in `PRAGMA user_version`; `MIGRATIONS[i]` takes a
database from version i to i+1.  A running count of stored events is kept in `stats`, so
`count()` costs nothing on a large table.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import sqlite_utils

from .events import Event
from .writer import Row, WriterProcess, connect, settle, write_rows

log = logging.getLogger(__name__)

DB_NAME = "pulsedev.db"


def _migrate_0(db: sqlite_utils.Database) -> None:
    db["events"].create(
        {"id": int, "ts": float, "kind": str, "path": str, "data": str},
        pk="id", not_null={"ts", "kind"}, if_not_exists=True,
    )
    db["events"].create_index(["ts"], index_name="events_ts", if_not_exists=True)
    db["events"].create_index(["kind", "ts"], index_name="events_kind_ts", if_not_exists=True)
    db["spool_files"].create({"name": str, "ingested_at": float, "events": int}, pk="name", if_not_exists=True)
    db["meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
    db["stats"].create({"key": str, "value": int}, pk="key", if_not_exists=True)
    db.execute("INSERT OR IGNORE INTO stats(key, value) VALUES ('stored', 0)")


MIGRATIONS = [_migrate_0]
SCHEMA_VERSION = len(MIGRATIONS)


class Store(Protocol):
    """What the pipeline needs from storage."""

    def insert(self, rows: list[Row], spool_name: str | None = None) -> int:
        """Store rows in one transaction (with the spool file's name, if any); returns rows written."""

    def submit(self, rows: list[Row], spool_name: str | None = None) -> Future:
        """Like `insert`, in the background: a future of rows written, resolved once committed."""

    def flush(self) -> None:
        """Wait until every submitted insert is committed."""

    def spool_seen(self, name: str) -> bool:
        """Whether a spool file of that name was already ingested."""

    def count(self) -> int:
        """Events stored."""

    def summary(self) -> list[dict[str, Any]]:
        """Counts per kind and per UTC day."""

    def events(self, since: float | None = None, until: float | None = None) -> Iterator[Event]:
        """Stored events in time order."""

    def delete(self, before: float | None = None) -> int:
        """Delete events (all, or older than `before`); returns how many."""

    def secret(self, name: str) -> bytes:
        """A per-data-dir random secret (e.g. the path salt), made on first use."""

    def close(self) -> None:
        """Release the database."""


def row_event(ts: float, kind: str, path: str | None, data: str | None) -> Event:
    """The event a stored row holds."""
    return Event(kind, ts, path, MappingProxyType(json.loads(data)) if data else MappingProxyType({}))


def utc_day(ts: float) -> str:
    """The UTC day of a timestamp, as the store's summary counts by it."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


class SQLiteStore:
    """The durable store: one database file in the data dir, private to the user."""

    def __init__(self, data_dir: Path, writer: bool = False):
        """`writer=True` (the server) commits inserts in a child process (`writer.py`), off this process's GIL."""
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(data_dir, 0o700)
        self.path = data_dir / DB_NAME
        old_umask = os.umask(0o077)
        try:
            conn = connect(self.path)
        finally:
            os.umask(old_umask)
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.Lock()
        self._migrate()
        self._writer: WriterProcess | None = None
        if writer:
            try:
                self._writer = WriterProcess(self.path, fallback=self._insert_here)
            except OSError as exc:
                log.warning("cannot start the SQLite writer process (%s); writing in process", exc)

    def flush(self) -> None:
        """Wait until the writer has committed what it was given (done before anything but an insert or a count)."""
        if self._writer is not None:
            self._writer.drain()

    def _migrate(self) -> None:
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                version = self.db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise RuntimeError(
                        f"{self.path} has schema version {version}, newer than this PulseDev ({SCHEMA_VERSION}); "
                        "upgrade pulsedev"
                    )
                for step in MIGRATIONS[version:]:
                    step(self.db)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def insert(self, rows: list[Row], spool_name: str | None = None) -> int:
        return self.submit(rows, spool_name).result()

    def submit(self, rows: list[Row], spool_name: str | None = None) -> Future:
        if self._writer is not None:
            return self._writer.submit(rows, spool_name)
        return settle(Future(), self._insert_here, rows, spool_name)

    def _insert_here(self, rows: list[Row], spool_name: str | None) -> int:
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                written = write_rows(conn, rows, spool_name)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return written

    def spool_seen(self, name: str) -> bool:
        self.flush()
        with self._lock:
            return self.db.execute("SELECT 1 FROM spool_files WHERE name = ?", (name,)).fetchone() is not None

    def count(self) -> int:
        """Committed events, read without waiting for the writer (WAL readers never block)."""
        with self._lock:  # the bare connection: this runs once per acknowledged batch
            return int(self.db.conn.execute("SELECT value FROM stats WHERE key = 'stored'").fetchone()[0])

    def summary(self) -> list[dict[str, Any]]:
        self.flush()
        with self._lock:
            rows = self.db.execute(
                "SELECT date(ts, 'unixepoch') AS day, kind, count(*) FROM events GROUP BY day, kind ORDER BY day, kind"
            ).fetchall()
        return [{"day": d, "kind": k, "events": n} for d, k, n in rows]

    def events(self, since: float | None = None, until: float | None = None) -> Iterator[Event]:
        self.flush()
        lo = since if since is not None else float("-inf")
        hi = until if until is not None else float("inf")
        with self._lock:
            rows = self.db.execute(
                "SELECT ts, kind, path, data FROM events WHERE ts >= ? AND ts < ? ORDER BY ts, id", (lo, hi)
            ).fetchall()
        return (row_event(*r) for r in rows)

    def delete(self, before: float | None = None) -> int:
        self.flush()
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                if before is None:
                    n = conn.execute("DELETE FROM events").rowcount
                    conn.execute("DELETE FROM spool_files")
                    conn.execute("UPDATE stats SET value = 0 WHERE key = 'stored'")
                else:
                    n = conn.execute("DELETE FROM events WHERE ts < ?", (before,)).rowcount
                    conn.execute("UPDATE stats SET value = max(0, value - ?) WHERE key = 'stored'", (n,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return n

    def vacuum(self) -> None:
        """Give deleted pages back to the file system (after `forget`)."""
        self.flush()
        with self._lock:
            self.db.execute("VACUUM")
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def secret(self, name: str) -> bytes:
        self.flush()
        with self._lock:
            self.db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (name, secrets.token_hex(32)))
            return bytes.fromhex(self.db.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()[0])

    def integrity(self) -> str:
        """SQLite's own integrity check: 'ok' or what is broken."""
        self.flush()
        with self._lock:
            return "; ".join(r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall())

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        with self._lock:
            self.db.conn.close()


def read_events(db_path: Path, since: float | None = None, limit: int = 500_000) -> list[Event]:
    """Events from a database on a connection of its own (WAL: never blocks the writer)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute(
            "SELECT ts, kind, path, data FROM events WHERE ts >= ? ORDER BY ts, id LIMIT ?",
            (since if since is not None else float("-inf"), limit),
        ).fetchall()
    finally:
        conn.close()
    return [row_event(*r) for r in rows]
