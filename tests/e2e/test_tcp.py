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


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp{,6} writes them) listening on `port`."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as fh:
                lines = fh.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                out.append(address)
    return out


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
            assert _listening(port) == ["0100007F"]  # 127.0.0.1, and nothing else
    finally:
        proc.kill()
        proc.wait()
