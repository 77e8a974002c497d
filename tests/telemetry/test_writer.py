"""The writer process: submitted rows are committed in a child, answered in order, and survive it."""

from __future__ import annotations

import sqlite3

import pytest

from pulsedev.telemetry.store import SQLiteStore
from pulsedev.telemetry.writer import WriterError


def rows(n, t0=1.75e9):
    return [(t0 + i, "file_saved", None, None) for i in range(n)]


def test_submitted_batches_are_committed_before_their_futures_resolve(tmp_path):
    store = SQLiteStore(tmp_path, writer=True)
    futures = [store.submit(rows(50, 1.75e9 + 100 * i)) for i in range(20)]
    for fut in futures:
        assert fut.result(10) == 50
        # once answered, another connection (another process) sees the rows
    with sqlite3.connect(store.path) as other:
        assert other.execute("SELECT count(*) FROM events").fetchone()[0] == 1000
    assert store.count() == 1000
    store.close()


def test_a_spool_file_goes_through_the_writer_once(tmp_path):
    store = SQLiteStore(tmp_path, writer=True)
    assert [store.submit(rows(3), "a.jsonl").result(10) for _ in range(2)] == [3, 0]
    store.close()


def test_if_the_child_dies_unanswered_rows_are_written_in_process(tmp_path):
    store = SQLiteStore(tmp_path, writer=True)
    assert store.insert(rows(5)) == 5
    store._writer._proc.kill()
    later = [store.submit(rows(5, 1.76e9 + 10 * i)) for i in range(3)]
    assert [f.result(10) for f in later] == [5, 5, 5]
    assert not store._writer.alive and store.count() == 20
    store.close()


def test_a_failed_transaction_fails_its_futures_with_a_reason(tmp_path):
    store = SQLiteStore(tmp_path, writer=True)
    bad = [(1.75e9, None, None, None)]  # kind is NOT NULL
    with pytest.raises(WriterError, match="NOT NULL"):
        store.submit(bad).result(10)
    assert store.insert(rows(2)) == 2  # the writer carries on
    store.close()
