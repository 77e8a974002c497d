"""`pulsedev/telemetry` over stdio: valid, invalid and malformed batches."""

from __future__ import annotations

import time

import pytest
from helpers import request
from pygls.exceptions import JsonRpcInvalidParams

NOW = time.time()


def ev(kind: str, dt: float = 0, **data):
    out = {"kind": kind, "ts": NOW + dt, "uri": "file:///ws/a.py"}
    if data:
        out["data"] = data
    return out


async def test_valid_batch_is_accepted_and_counted(client):
    result = await request(client, "pulsedev/telemetry", {"events": [
        ev("file_modified", chars_added=3, chars_deleted=1, lines_changed=1),
        ev("test_run", 1, passed=4, failed=1, failures=[{"test_id": "t::a", "error_type": "AssertionError"}]),
        ev("focus_changed", 2, target="window", focused=False),
    ]})
    assert result == {"accepted": 3, "rejected": []}
    status = await request(client, "pulsedev/status", {"now": NOW + 3})
    assert status["events"] == {"stored": 3, "rejected": 0}


async def test_invalid_events_are_rejected_with_reasons_and_the_rest_kept(client):
    result = await request(client, "pulsedev/telemetry", {"events": [
        ev("file_saved"),
        {"kind": "test_run", "ts": NOW},  # passed/failed missing
        {"kind": "file_saved", "ts": "yesterday"},
        ev("focus_changed", target="tab"),
        "not an event",
        {"kind": "cursor_moved", "ts": NOW * 1000},  # milliseconds
        ev("brand_new_kind", answer=42),  # unknown kinds are stored and counted
    ]})
    assert result["accepted"] == 2
    reasons = {r["index"]: r["reason"] for r in result["rejected"]}
    assert set(reasons) == {1, 2, 3, 4, 5}
    assert "passed" in reasons[1]
    assert "ts" in reasons[2]
    assert "window" in reasons[3] and "editor" in reasons[3]
    assert "milliseconds" in reasons[5]
    status = await request(client, "pulsedev/status")
    assert status["events"] == {"stored": 2, "rejected": 5}


@pytest.mark.parametrize("params", [None, [], {"events": []}, {"events": "x"}, {"evts": [1]},
                                    {"events": [{"kind": "file_saved", "ts": NOW}] * 1001}])
async def test_malformed_params_get_invalid_params(client, params):
    with pytest.raises(JsonRpcInvalidParams):
        await request(client, "pulsedev/telemetry", params)
    # and the server is still there
    assert (await request(client, "pulsedev/status"))["events"]["stored"] == 0


async def test_a_batch_over_one_mebibyte_is_refused(client):
    big = [ev("error_occurred", i, message="x" * 2000) for i in range(600)]
    with pytest.raises(JsonRpcInvalidParams, match="1 MiB"):
        await request(client, "pulsedev/telemetry", {"events": big})


async def test_an_event_over_16_kib_is_rejected_alone(client):
    result = await request(client, "pulsedev/telemetry", {"events": [
        ev("error_occurred", message="y" * 20000), ev("file_saved")]})
    assert result["accepted"] == 1
    assert result["rejected"][0]["index"] == 0 and "16 KiB" in result["rejected"][0]["reason"]
