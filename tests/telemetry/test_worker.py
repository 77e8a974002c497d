"""The worker: grouped batches answered when their future resolves, learning steps in order,
before the next job."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from pulsedev.telemetry.worker import Worker


def make(gate: threading.Event | None = None):
    log: list = []

    def grouped(payloads):
        if gate is not None:
            gate.wait(5)
        log.append(("store", list(payloads)))
        done: Future = Future()
        done.set_result([p * 10 for p in payloads])
        return done, lambda: log.append(("learn", list(payloads)))

    return Worker(grouped, idle_every=0.05), log


def test_each_payload_gets_its_result_and_learning_follows_in_order():
    worker, log = make()
    futures = [worker.submit_grouped(i) for i in range(5)]
    assert [f.result(5) for f in futures] == [0, 10, 20, 30, 40]
    assert worker.submit(lambda: None).result(5) is None
    stored = [p for what, ps in log if what == "store" for p in ps]
    learned = [p for what, ps in log if what == "learn" for p in ps]
    assert stored == learned == [0, 1, 2, 3, 4]
    worker.stop()


def test_stop_runs_the_learning_still_owed():
    gate = threading.Event()
    worker, log = make(gate)
    futures = [worker.submit_grouped(i) for i in range(3)]
    gate.set()
    worker.stop()
    assert [f.result(5) for f in futures] == [0, 10, 20]
    assert [p for what, ps in log if what == "learn" for p in ps] == [0, 1, 2]
