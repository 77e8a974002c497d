"""Commands over stdio: selfReport, feedback, forget, report."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from helpers import command, request
from pygls.exceptions import JsonRpcInvalidParams


async def test_self_report_is_stored_as_an_event(client):
    status = await command(client, "pulsedev.selfReport", {"state": "stuck"})
    assert status["events"]["stored"] == 1


async def test_bad_command_arguments_are_invalid_params(client):
    with pytest.raises(JsonRpcInvalidParams):
        await command(client, "pulsedev.selfReport", {"state": "sleepy"})
    with pytest.raises(JsonRpcInvalidParams):
        await command(client, "pulsedev.feedback", {"id": 3})
    assert (await request(client, "pulsedev/status"))["events"]["stored"] == 0


async def test_feedback_on_an_unknown_suggestion_is_harmless(client):
    assert await command(client, "pulsedev.feedback", {"id": "nope", "helpful": True}) == {"ok": True}


async def test_forget_deletes_events(client, data_dir):
    t = time.time()
    events = [{"kind": "file_saved", "ts": t - 100 + i} for i in range(50)]
    await request(client, "pulsedev/telemetry", {"events": events})
    assert (await command(client, "pulsedev.forget", {"before": t - 75}))["deleted"] == 25
    assert (await command(client, "pulsedev.forget"))["deleted"] == 25
    assert (await request(client, "pulsedev/status"))["events"]["stored"] == 0


async def test_report_is_written_locally(client, data_dir):
    await request(client, "pulsedev/telemetry", {"events": [{"kind": "file_saved", "ts": time.time()}]})
    uri = await command(client, "pulsedev.report")
    path = Path(urlparse(uri).path)
    assert path.parent == data_dir and "file_saved" in path.read_text()
