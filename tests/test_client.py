"""pulsedev.client, the small stdio client of the CLI, the demo and the evaluations."""

from __future__ import annotations

import subprocess

from pulsedev.client import LspClient


def test_a_request_from_the_server_after_shutdown_is_not_an_error():
    # `cat` stands in for a server that sends a request (inlayHint/refresh) as the client closes.
    proc = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    client = LspClient(proc)
    proc.stdin.close()
    client._dispatch({"jsonrpc": "2.0", "id": 7, "method": "workspace/inlayHint/refresh"})
    assert client._notes["workspace/inlayHint/refresh"] == [None]  # still recorded, nothing raised
    proc.wait(5)
    assert proc.returncode == 0
