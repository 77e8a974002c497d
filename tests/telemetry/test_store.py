"""The store interface, run on every backend (SQLite in process, SQLite through the writer process,
memory), plus SQLite's own duties."""

from __future__ import annotations

import stat

import pytest

from pulsedev.telemetry.memstore import MemoryStore
from pulsedev.telemetry.store import SCHEMA_VERSION, SQLiteStore


@pytest.fixture(params=["sqlite", "sqlite+writer", "memory"])
def store(request, tmp_path):
    if request.param == "memory":
        s = MemoryStore()
    else:
        s = SQLiteStore(tmp_path / "data", writer=request.param.endswith("writer"))
    yield s
    s.close()


def rows(n, t0=1.75e9, kind="file_saved"):
    return [(t0 + i, kind, f"h:{i % 3}", None) for i in range(n)]


def test_insert_count_and_read_back_in_time_order(store):
    assert store.insert(rows(5, 1.75e9 + 10)) == 5
    assert store.insert(rows(5)) == 5
    assert store.count() == 10
    ts = [e.ts for e in store.events()]
    assert ts == sorted(ts)
    assert [e.ts for e in store.events(since=1.75e9 + 2, until=1.75e9 + 4)] == [1.75e9 + 2, 1.75e9 + 3]


def test_a_spool_file_is_stored_once(store):
    assert store.insert(rows(3), spool_name="a.jsonl") == 3
    assert store.insert(rows(3), spool_name="a.jsonl") == 0
    assert store.spool_seen("a.jsonl") and store.count() == 3


def test_delete_before_and_all(store):
    store.insert(rows(10))
    assert store.delete(before=1.75e9 + 4) == 4
    assert store.count() == 6
    assert store.delete() == 6
    assert store.count() == 0


def test_summary_per_day_and_kind(store):
    store.insert(rows(2) + rows(3, kind="test_run"))
    assert {(r["kind"], r["events"]) for r in store.summary()} == {("file_saved", 2), ("test_run", 3)}


def test_secret_is_stable(store):
    assert store.secret("salt") == store.secret("salt") and len(store.secret("salt")) == 32


def test_sqlite_is_private_versioned_and_reopens(tmp_path):
    data = tmp_path / "data"
    s = SQLiteStore(data)
    s.insert(rows(3))
    s.close()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "pulsedev.db").stat().st_mode) & 0o077 == 0
    again = SQLiteStore(data)
    assert again.count() == 3
    assert again.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert again.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.integrity() == "ok"
    again.close()


def test_a_newer_schema_is_refused_with_advice(tmp_path):
    s = SQLiteStore(tmp_path / "d")
    s.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    s.close()
    with pytest.raises(RuntimeError, match="upgrade pulsedev"):
        SQLiteStore(tmp_path / "d")
