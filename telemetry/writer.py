"""The writer: event rows into SQLite in a child process, off the server's GIL.

Inserting rows is most of what ingest costs, and SQLite gives up Python's GIL
and takes it back once per row, so in the server's process every write would
fight the LSP loop for it.  `WriterProcess` hands rows to a child
(`python -m pulsedev.telemetry.writer DB`) over a pipe; the child commits
everything that has arrived in one transaction (group commit) and answers
each frame once it is on disk.  A frame's future is only resolved then, so an
acknowledged batch is never lost.  If the child dies, the frames it had not
answered are written in process and the server carries on without it.

This module needs nothing but the standard library, so the child starts fast.
Frames are a 4-byte little-endian length and a `marshal` payload: request
`(seq, spool_name, rows)`, answer `(seq, written, error)`.  Rows
carry their data as dicts: the JSON encoding is done here, in the child.
"""

from __future__ import annotations

import contextlib
import json
import logging
import marshal
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: WAL with NORMAL: a committed transaction survives a killed process (the OS
#: holds the WAL); only a power cut can lose the last moments.  FULL adds an
#: fsync per commit (group commit keeps that cheap): set PULSEDEV_SYNC=FULL.
SYNCHRONOUS = "FULL" if os.environ.get("PULSEDEV_SYNC", "").upper() == "FULL" else "NORMAL"

#: A row to store: (ts, kind, path, data), `data` a dict of JSON values or None.
Row = tuple[float, str, "str | None", "dict[str, Any] | None"]

# The C encoder made once: `json.dumps` builds a new one per call, which costs more than the encoding.
_c_encode = json.encoder.c_make_encoder(
    None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True
) if json.encoder.c_make_encoder else None


def encode(data: dict) -> str:
    """Compact JSON of an event's data, as stored.

    >>> encode({"a": 1, "b": "é"})
    '{"a":1,"b":"é"}'
    """
    if _c_encode is None:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return "".join(_c_encode(data, 0))


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection to the events database with the settings every writer uses."""
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    conn.execute("PRAGMA wal_autocheckpoint = 8000")  # checkpoint (and fsync) every ~32 MB of WAL, not every 4 MB
    conn.execute("PRAGMA cache_size = -32000")  # 32 MB: index pages stay cached; inserts cost half
    return conn


def write_rows(conn: sqlite3.Connection, rows: list[Row], spool_name: str | None) -> int:
    """Rows (and the spool file's name) inside the caller's transaction; 0 if that spool file is already in."""
    if spool_name is not None:
        if conn.execute("SELECT 1 FROM spool_files WHERE name = ?", (spool_name,)).fetchone():
            return 0
        conn.execute("INSERT INTO spool_files(name, ingested_at, events) VALUES (?, strftime('%s','now'), ?)",
                     (spool_name, len(rows)))
    conn.executemany("INSERT INTO events(ts, kind, path, data) VALUES (?, ?, ?, ?)",
                     [(ts, kind, path, encode(data) if data else None) for ts, kind, path, data in rows])
    conn.execute("UPDATE stats SET value = value + ? WHERE key = 'stored'", (len(rows),))
    return len(rows)


def transact(conn: sqlite3.Connection, frames: list[tuple[int, str | None, list[Row]]]) -> list[tuple]:
    """Writes frames in one transaction; an answer per frame."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            written = [write_rows(conn, rows, spool) for _, spool, rows in frames]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    except sqlite3.Error as exc:
        return [(seq, 0, f"{type(exc).__name__}: {exc}") for seq, _, _ in frames]
    return [(seq, n, None) for (seq, _, _), n in zip(frames, written)]


def _frame(obj) -> bytes:
    body = marshal.dumps(obj)
    return len(body).to_bytes(4, "little") + body


def _frames(buf: bytearray) -> list:
    """Whole frames at the front of `buf`, removed from it."""
    out, at = [], 0
    while len(buf) - at >= 4:
        n = int.from_bytes(buf[at:at + 4], "little")
        if len(buf) - at - 4 < n:
            break
        out.append(marshal.loads(buf[at + 4:at + 4 + n]))
        at += 4 + n
    del buf[:at]
    return out


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def serve(db: str, fd_in: int = 0, fd_out: int = 1) -> None:
    """The child: frames in, one transaction per read, answers out; ends when its input closes."""
    conn = connect(db)
    buf = bytearray()
    while chunk := os.read(fd_in, 1 << 20):
        buf += chunk
        frames = _frames(buf)
        if frames:
            _write_all(fd_out, b"".join(_frame(a) for a in transact(conn, frames)))
    conn.close()


def settle(fut: Future, fn: Callable[..., int], *args: Any) -> Future:
    """Runs `fn(*args)` now and puts its result, or its error, into `fut`."""
    try:
        fut.set_result(fn(*args))
    except Exception as exc:  # the waiter hears of it
        fut.set_exception(exc)
    return fut


class WriterError(RuntimeError):
    """The writer could not store a batch (the message says why)."""


class WriterProcess:
    """The server's side: `submit` rows, get a future of rows written once they are committed.

    `fallback(rows, spool_name) -> int` writes in process; it takes over when
    the child dies (or cannot start).
    """

    def __init__(self, db: Path, fallback: Callable[[list[Row], str | None], int]):
        self._fallback = fallback
        self._lock = threading.Lock()
        self._pending: dict[int, tuple[Future, list[Row], str | None]] = {}
        self._seq = 0
        self._idle = threading.Condition(self._lock)
        self._proc: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "pulsedev.telemetry.writer", str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self._reader = threading.Thread(target=self._read, name="pulsedev-writer-replies", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        """Whether the child still takes writes."""
        return self._proc is not None

    def submit(self, rows: list[Row], spool_name: str | None = None) -> Future:
        """Queue rows for the child; the future gives rows written, or raises `WriterError`."""
        fut: Future = Future()
        with self._lock:
            proc = self._proc
            if proc is not None:
                self._seq += 1
                self._pending[self._seq] = (fut, rows, spool_name)
                data = _frame((self._seq, spool_name, rows))
        if proc is None:
            return settle(fut, self._fallback, rows, spool_name)
        with contextlib.suppress(OSError):  # the child is gone; the reader thread hands its frames to the fallback
            _write_all(proc.stdin.fileno(), data)
        return fut

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every submitted frame is answered."""
        with self._idle:
            self._idle.wait_for(lambda: not self._pending, timeout)

    def close(self) -> None:
        """Let the child finish what it has, then stop it."""
        with self._lock:
            proc = self._proc
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.stdin.close()
            self._reader.join(30)
            proc.wait(30)

    def _read(self) -> None:
        proc, buf = self._proc, bytearray()
        fd = proc.stdout.fileno()
        while chunk := os.read(fd, 1 << 16):
            buf += chunk
            for seq, written, error in _frames(buf):
                with self._lock:
                    fut, _, _ = self._pending.pop(seq)
                    if not self._pending:
                        self._idle.notify_all()
                if error is None:
                    fut.set_result(written)
                else:
                    fut.set_exception(WriterError(f"events not stored ({error}); the client may send them again"))
        self._gone(proc)

    def _gone(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._proc = None
            orphans = sorted(self._pending.items())
        code = proc.wait()
        if orphans or code:
            log.warning("the SQLite writer process ended (exit %s); writing in process from now on", code)
        for _, (fut, rows, spool) in orphans:
            settle(fut, self._fallback, rows, spool)
        with self._lock:
            self._pending.clear()
            self._idle.notify_all()



if __name__ == "__main__":
    serve(sys.argv[1])
