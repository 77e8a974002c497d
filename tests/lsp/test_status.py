"""`pulsedev/status` over stdio: the protocol's fields, and `now` letting time pass."""

from __future__ import annotations

import time

import pytest
from helpers import request
from pygls.exceptions import JsonRpcInvalidParams


async def test_status_has_the_protocol_fields(client):
    status = await request(client, "pulsedev/status")
    assert set(status) >= {"state", "events", "models", "training"}
    assert status["state"]["state"] in ("flow", "stuck", "neutral", "idle")
    assert set(status["state"]["scores"]) == {"stuck", "flow", "anomaly"}
    assert isinstance(status["state"]["reason"], str) and status["state"]["reason"]
    assert status["events"] == {"stored": 0, "rejected": 0}
    assert status["training"] == {"running": False, "last": None}


async def test_now_lets_time_pass_and_never_goes_back(client):
    t0 = time.time() - 7200
    await request(client, "pulsedev/telemetry", {"events": [{"kind": "file_saved", "ts": t0}]})
    later = await request(client, "pulsedev/status", {"now": t0 + 1800})
    assert later["now"] == pytest.approx(t0 + 1800, abs=5)
    earlier = await request(client, "pulsedev/status", {"now": t0 - 600})  # older than the newest: ignored
    assert earlier["now"] >= t0 + 1800


async def test_bad_now_is_invalid_params(client):
    with pytest.raises(JsonRpcInvalidParams):
        await request(client, "pulsedev/status", {"now": "soon"})
