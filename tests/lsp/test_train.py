"""`pulsedev.train` over stdio: returns at once, trains in the background, reports progress, logs."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from helpers import command, request
from pygls.exceptions import JsonRpcInvalidParams


async def _wait_idle(client, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status = await request(client, "pulsedev/status")
        if not status["training"]["running"] and status["training"]["last"]:
            return status
        await asyncio.sleep(0.3)
    raise AssertionError("training did not finish")


async def test_train_runs_in_the_background_with_progress_and_a_log(client, data_dir):
    t0 = time.time() - 3600
    events = [{"kind": "file_modified", "ts": t0 + i * 2, "uri": "file:///w/a.py",
               "data": {"chars_added": 5, "chars_deleted": 1, "lines_changed": 1}} for i in range(900)]
    for i in range(0, 900, 300):
        await request(client, "pulsedev/telemetry", {"events": events[i:i + 300]})
    await command(client, "pulsedev.selfReport", {"state": "flow"})
    started = time.perf_counter()
    result = await command(client, "pulsedev.train", {"models": ["detector"]})
    assert result["started"] == ["detector"]
    assert time.perf_counter() - started < 2.0  # returns at once
    status = await _wait_idle(client)
    assert status["training"]["last"] > t0
    log = [json.loads(line) for line in (data_dir / "training.jsonl").read_text().splitlines()]
    assert log[-1]["model"] == "detector" and log[-1]["accepted"] is True and log[-1]["samples"] >= 900
    assert client.progress_reports, "no $/progress was sent"
    deadline = time.time() + 10  # `begin` follows the client's answer to the token's creation: it may land late
    while True:
        kinds = [getattr(p, "kind", None) for reports in client.progress_reports.values() for p in reports]
        if kinds[-1:] == ["end"] or time.time() > deadline:
            break
        await asyncio.sleep(0.1)
    assert kinds[:1] == ["begin"] and kinds[-1:] == ["end"], kinds


async def test_train_rejects_unknown_models(client):
    with pytest.raises(JsonRpcInvalidParams, match="unknown models"):
        await command(client, "pulsedev.train", {"models": ["nonsense"]})
