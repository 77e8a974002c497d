"""The pipeline without a server: privacy of paths, late events, group commit, retention."""

from __future__ import annotations

import time

from pulsedev.telemetry.clock import LATE_SECONDS
from pulsedev.telemetry.memstore import MemoryStore
from pulsedev.telemetry.pipeline import Pipeline
from pulsedev.telemetry.privacy import PathPolicy


class Recorder:
    """A detector that records what it is shown."""

    def __init__(self):
        self.seen = []
        self.announced = False

    def observe(self, event):
        self.seen.append(event)

    def advance(self, now):
        if self.seen and not self.announced:
            self.announced = True
            return [("pulsedev/state", {"state": "neutral", "since": now})]
        return []

    def state(self, now):
        return {"state": "neutral", "since": now, "scores": {"stuck": 0, "flow": 0, "anomaly": 0}, "reason": "r"}

    def models_info(self):
        return []

    def save(self):
        pass


def make(mode="hashed", root=None):
    sent = []
    store = MemoryStore()
    detector = Recorder()
    p = Pipeline(store, PathPolicy(mode, b"k" * 32, root), detector, notify=lambda m, params: sent.append(m))
    return p, store, detector, sent


def test_paths_follow_the_privacy_setting(tmp_path):
    uri = (tmp_path / "pkg" / "a.py").as_uri()
    for mode, check in [("hashed", lambda p: p.startswith("h:")), ("relative", lambda p: p == "pkg/a.py"),
                        ("none", lambda p: p is None)]:
        p, store, detector, _ = make(mode, tmp_path)
        p.ingest_batches([[{"kind": "file_saved", "ts": 1.75e9, "uri": uri}]])
        assert check(store.rows[0][2]), mode
        assert detector.seen[0].uri == store.rows[0][2]  # learners see what the store keeps


def test_late_events_are_stored_not_learned():
    p, store, detector, sent = make()
    p.ingest_batches([[{"kind": "file_saved", "ts": 1.75e9 + 1000},
                       {"kind": "file_saved", "ts": 1.75e9 + 1000 - LATE_SECONDS - 1}]])
    assert store.count() == 2 and len(detector.seen) == 1
    assert sent == ["pulsedev/state"]


def test_group_commit_gives_one_result_per_batch():
    p, store, _, _ = make()
    done, learn = p.commit([[{"kind": "file_saved", "ts": 1.75e9}], [{"kind": "nope"}, {"kind": "x", "ts": 1.75e9}]])
    learn()
    results = done.result(5)
    assert [r["accepted"] for r in results] == [1, 1] and results[1]["rejected"][0]["index"] == 0
    assert store.count() == 2 and p.rejected == 1


def test_retention_deletes_old_events():
    p, store, _, _ = make()
    now = time.time()
    p.store_events([])
    p.ingest_batches([[{"kind": "file_saved", "ts": now - 100 * 86400}, {"kind": "file_saved", "ts": now - 10}]])
    assert p.apply_retention() == 1 and store.count() == 1


def test_failure_uris_inside_data_are_hashed_too():
    p, store, _, _ = make()
    p.ingest_batches([[{"kind": "test_run", "ts": 1.75e9, "data": {"passed": 0, "failed": 1, "failures": [
        {"test_id": "t", "uri": "file:///home/me/secret_project/a.py", "line": 3}]}}]])
    assert "secret_project" not in store.rows[0][3] and '"uri":"h:' in store.rows[0][3]
