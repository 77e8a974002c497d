"""Failure explanations over stdio: a diagnostic at the failing line, an error_fix suggestion, feedback."""

from __future__ import annotations

import asyncio
import os
import sys
import time

import pytest_lsp
from helpers import command, init_params, listen, request
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "pulsedev", "serve"],
                                              server_env=dict(os.environ)))
async def suggesting(lsp_client: LanguageClient, workspace, data_dir):
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(workspace, data_dir,
                                                    experimental={"pulsedev": {"suggestions": True}}))
    yield
    await lsp_client.shutdown_session()


async def _until(predicate, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_failing_test_is_explained_at_its_line(suggesting, workspace):
    client = suggesting
    uri = (workspace / "shop.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="python", version=1, text="def price(d):\n    return d['amount']\n")))
    failure = {"test_id": "tests/test_shop.py::test_price", "error_type": "KeyError", "message": "'amount'",
               "uri": uri, "line": 2}
    await request(client, "pulsedev/telemetry", {"events": [
        {"kind": "test_run", "ts": time.time(), "data": {"passed": 3, "failed": 1, "failures": [failure]}}]})
    assert await _until(lambda: client.diagnostics.get(uri))
    (diag,) = client.diagnostics[uri]
    assert diag.source == "pulsedev" and diag.code == "KeyError" and diag.range.start.line == 1
    assert diag.severity == types.DiagnosticSeverity.Information and "Try:" in diag.message
    assert await _until(lambda: client.pulsedev["pulsedev/suggestion"])
    suggestion = client.pulsedev["pulsedev/suggestion"][0]
    assert suggestion["kind"] == "error_fix" and suggestion["uri"] == uri
    assert [a["title"] for a in suggestion["actions"]] == ["Helpful", "Not helpful"]
    assert await command(client, "pulsedev.feedback", {"id": suggestion["id"], "helpful": False}) == {"ok": True}

    # a green run clears the diagnostic
    await request(client, "pulsedev/telemetry", {"events": [
        {"kind": "test_run", "ts": time.time(), "data": {"passed": 4, "failed": 0}}]})
    assert await _until(lambda: len(client.diagnostics.get(uri, [None])) == 0)
