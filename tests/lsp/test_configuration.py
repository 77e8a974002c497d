"""Settings over stdio: bad settings warn once and keep defaults; didChangeConfiguration applies at once."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest_lsp
from helpers import init_params, listen, request
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "pulsedev", "serve"],
                                              server_env=dict(os.environ)))
async def badly_configured(lsp_client: LanguageClient, workspace, data_dir):
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(
        workspace, data_dir, privacy={"paths": "plaintext"}, thresholds={"typeHintConfidence": 7}))
    yield
    await lsp_client.shutdown_session()


async def test_bad_settings_warn_and_fall_back(badly_configured):
    for _ in range(50):
        if len(badly_configured.messages) >= 2:
            break
        await asyncio.sleep(0.1)
    texts = [m.message for m in badly_configured.messages]
    assert any("privacy.paths" in t and "hashed" in t for t in texts)
    assert any("typeHintConfidence" in t for t in texts)
    result = await request(badly_configured, "pulsedev/telemetry",
                           {"events": [{"kind": "file_saved", "ts": time.time()}]})
    assert result["accepted"] == 1  # still working, on the defaults


async def test_switching_telemetry_off_stores_nothing(client):
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"pulsedev": {"features": {"telemetry": False}}}))
    result = await request(client, "pulsedev/telemetry", {"events": [{"kind": "file_saved", "ts": time.time()}]})
    assert result["accepted"] == 0 and "switched off" in result["rejected"][0]["reason"]
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"pulsedev": {"features": {"telemetry": True}}}))
    result = await request(client, "pulsedev/telemetry", {"events": [{"kind": "file_saved", "ts": time.time()}]})
    assert result["accepted"] == 1
