"""Debounce: a burst of requests runs the function once, after the burst."""

from __future__ import annotations

import time

from pulsedev.models.types.debounce import Debounce


def test_a_burst_of_requests_runs_once_after_it():
    calls = []
    job = Debounce(0.05, lambda: calls.append(time.perf_counter()))
    start = time.perf_counter()
    for _ in range(5):
        job.schedule()
        time.sleep(0.01)
    time.sleep(0.4)
    assert len(calls) == 1 and calls[0] - start >= 0.05


def test_a_cancelled_request_does_not_run():
    calls = []
    job = Debounce(0.05, lambda: calls.append(1))
    job.schedule()
    job.cancel()
    time.sleep(0.2)
    assert calls == []
