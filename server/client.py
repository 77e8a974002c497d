"""A small synchronous LSP client over stdio, for `demo`, `eval`, `replay --server` and benchmarks.

It starts the real server as a subprocess and speaks JSON-RPC with
Content-Length framing; a reader thread collects replies and notifications.
Requests can be pipelined (`request_async` returns a future).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

SERVER_CMD = [sys.executable, "-m", "pulsedev", "serve"]


class LspError(Exception):
    """A JSON-RPC error reply."""

    def __init__(self, code: int, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class LspClient:
    """A client for one server process."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self._ids = itertools.count(1)
        self._pending: dict[int, Future] = {}
        self._notes: dict[str, list[Any]] = {}
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="lsp-client-reader", daemon=True)
        self._reader.start()
        self.versions: dict[str, int] = {}

    @classmethod
    def spawn(cls, cmd: list[str] | None = None, env: dict[str, str] | None = None,
              cwd: str | Path | None = None, stderr: Any = None) -> LspClient:
        """Start `pulsedev serve` (or `cmd`) and connect to it."""
        proc = subprocess.Popen(
            cmd or SERVER_CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=stderr if stderr is not None else subprocess.DEVNULL,
            env=env if env is not None else os.environ.copy(), cwd=cwd, bufsize=0,
        )
        return cls(proc)

    def __enter__(self) -> LspClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.shutdown()

    # -- wire ---------------------------------------------------------------------
    def _write(self, message: dict) -> None:
        body = json.dumps(message, separators=(",", ":")).encode()
        with self._write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self._closed()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length is None:
                continue
            body = b""
            while len(body) < length:
                chunk = out.read(length - len(body))
                if not chunk:
                    self._closed()
                    return
                body += chunk
            self._dispatch(json.loads(body))

    def _dispatch(self, msg: dict) -> None:
        if "id" in msg and "method" in msg:  # a request from the server: answer politely
            with contextlib.suppress(OSError, ValueError):  # we are shutting down: the server asked too late to matter
                self._write({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            with self._cond:
                self._notes.setdefault(msg["method"], []).append(msg.get("params"))
                self._cond.notify_all()
        elif "id" in msg:
            fut = self._pending.pop(msg["id"], None)
            if fut is not None:
                if "error" in msg:
                    err = msg["error"]
                    fut.set_exception(LspError(err.get("code", 0), err.get("message", "")))
                else:
                    fut.set_result(msg.get("result"))
        elif "method" in msg:
            with self._cond:
                self._notes.setdefault(msg["method"], []).append(msg.get("params"))
                self._cond.notify_all()

    def _closed(self) -> None:
        for fut in list(self._pending.values()):
            if not fut.done():
                fut.set_exception(LspError(-32099, "the server closed the connection"))
        self._pending.clear()
        with self._cond:
            self._cond.notify_all()

    # -- API ------------------------------------------------------------------------
    def request_async(self, method: str, params: Any = None) -> Future:
        """Send a request; the future resolves with its result."""
        msg_id = next(self._ids)
        fut: Future = Future()
        self._pending[msg_id] = fut
        self._write({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return fut

    def request_prepared_async(self, method: str, params_json: str) -> Future:
        """Send a request whose params are already JSON text (benchmarks: no client-side encoding)."""
        msg_id = next(self._ids)
        fut: Future = Future()
        self._pending[msg_id] = fut
        body = f'{{"jsonrpc":"2.0","id":{msg_id},"method":{json.dumps(method)},"params":{params_json}}}'.encode()
        with self._write_lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()
        return fut

    def request(self, method: str, params: Any = None, timeout: float = 30) -> Any:
        """Send a request and wait for its result (raises `LspError`)."""
        return self.request_async(method, params).result(timeout)

    def notify(self, method: str, params: Any = None) -> None:
        """Send a notification."""
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def notifications(self, method: str) -> list[Any]:
        """Params of every notification (or server request) of `method` received so far."""
        with self._cond:
            return list(self._notes.get(method, []))

    def wait_for(self, method: str, timeout: float = 10, count: int = 1) -> Any:
        """Wait until `count` notifications of `method` arrived; returns the last one."""
        with self._cond:
            ok = self._cond.wait_for(lambda: len(self._notes.get(method, [])) >= count, timeout)
            if not ok:
                raise TimeoutError(f"no {method} within {timeout} s")
            return self._notes[method][-1]

    def initialize(self, root: Path | None = None, options: dict | None = None,
                   experimental: dict | None = None) -> Any:
        """The initialize handshake."""
        root_uri = Path(root).resolve().as_uri() if root else None
        caps = {"window": {"workDoneProgress": True},
                "workspace": {"inlayHint": {"refreshSupport": True}, "configuration": False},
                "textDocument": {"inlayHint": {"dynamicRegistration": False}, "synchronization": {"didSave": True}},
                "experimental": experimental or {}}
        result = self.request("initialize", {
            "processId": os.getpid(), "rootUri": root_uri, "capabilities": caps,
            "initializationOptions": options or {},
            "workspaceFolders": [{"uri": root_uri, "name": Path(root).name}] if root_uri else None,
        }, timeout=60)
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language: str = "python") -> None:
        """didOpen."""
        self.versions[uri] = 1
        self.notify("textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}})

    def change(self, uri: str, text: str) -> None:
        """didChange with the whole new text."""
        self.versions[uri] = self.versions.get(uri, 1) + 1
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": [{"text": text}]})

    def command(self, command: str, *arguments: Any, timeout: float = 30) -> Any:
        """workspace/executeCommand."""
        return self.request("workspace/executeCommand", {"command": command, "arguments": list(arguments)}, timeout)

    def shutdown(self) -> int | None:
        """shutdown + exit; waits for the process."""
        if self.proc.poll() is None:
            try:
                self.request("shutdown", None, timeout=15)
                self.notify("exit")
            except Exception:  # the server may already be gone
                pass
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
            try:
                return self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        return self.proc.wait()
