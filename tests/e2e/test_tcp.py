"""`pulsedev serve --tcp` listens on 127.0.0.1 only and speaks LSP there."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tcp_on_loopback_only(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "pulsedev", "serve", "--tcp", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                assert time.time() < deadline, "server did not listen"
                time.sleep(0.2)
        with conn:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "capabilities": {}, "initializationOptions": {"dataDir": str(tmp_path / "data")}}}).encode()
            conn.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            reply = b""
            while b'"result"' not in reply:
                chunk = conn.recv(4096)
                assert chunk, "connection closed"
                reply += chunk
            assert b'"name": "pulsedev"' in reply
            listening = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
            lines = [line for line in listening.splitlines() if f":{port} " in line]
            assert lines and all("127.0.0.1:" in line for line in lines)
    finally:
        proc.kill()
        proc.wait()
