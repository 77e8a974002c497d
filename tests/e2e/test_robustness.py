"""Whatever a client sends, the server stays up and keeps answering."""

from __future__ import annotations

import json
import time

from pulsedev.client import LspClient, LspError


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_garbage_on_the_wire_does_not_kill_the_server(tmp_path):
    with LspClient.spawn() as c:
        c.initialize(tmp_path, {"dataDir": str(tmp_path / "data")})
        junk = [b"{not json", b"[]", b"null", b'{"jsonrpc": "2.0"}', b'{"jsonrpc": "1.0", "id": 99, "method": "x"}',
                json.dumps({"jsonrpc": "2.0", "id": 100, "method": "textDocument/inlayHint",
                            "params": {"bogus": 1}}).encode(),
                json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange",
                            "params": {"textDocument": 5}}).encode(),
                json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                            "params": {"textDocument": {"uri": "file:///x.py", "languageId": "python",
                                                        "version": 1, "text": "def f(:\n  \x00"}}}).encode(),
                json.dumps({"jsonrpc": "2.0", "id": 101, "method": "pulsedev/nope", "params": {}}).encode(),
                json.dumps({"jsonrpc": "2.0", "id": 102, "method": "workspace/executeCommand",
                            "params": {"command": "pulsedev.selfReport", "arguments": [[1, 2]]}}).encode(),
                json.dumps({"jsonrpc": "2.0", "id": 103, "method": "pulsedev/telemetry",
                            "params": {"events": [{"kind": "file_saved", "ts": 1e308},
                                                  {"kind": ["x"], "ts": 1}]}}).encode()]
        with c._write_lock:
            for body in junk:
                c.proc.stdin.write(_frame(body))
            c.proc.stdin.flush()
        for method in ("pulsedev/nope",):
            try:
                c.request(method, {})
            except LspError as exc:
                assert exc.code == -32601
        result = c.request("pulsedev/telemetry", {"events": [{"kind": "file_saved", "ts": time.time()}]})
        assert result["accepted"] == 1
        assert c.proc.poll() is None
        hints = c.request("textDocument/inlayHint", {"textDocument": {"uri": "file:///x.py"},
                                                     "range": {"start": {"line": 0, "character": 0},
                                                               "end": {"line": 2, "character": 0}}})
        assert isinstance(hints, list)


def test_an_unreadable_request_gets_a_parse_error_not_silence(tmp_path):
    with LspClient.spawn() as c:
        c.initialize(tmp_path, {"dataDir": str(tmp_path / "data")})
        deep = '{"events": [{"kind": "file_saved", "ts": 1.7e9, "data": ' + "[" * 50_000 + "]" * 50_000 + "}]}"
        for params in (deep, '{"events": [1, 2'):
            try:
                c.request_prepared_async("pulsedev/telemetry", params).result(10)
                raise AssertionError("an unreadable request was answered with a result")
            except LspError as exc:
                assert exc.code == -32700 and "not readable JSON" in str(exc)
        assert c.request("pulsedev/status", None)["events"]["stored"] == 0  # nothing of it kept; still answering
