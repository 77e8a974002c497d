"""The language server object: `server`, the one `PulseDevServer`.

It owns the wiring every handler module shares: settings, the workspace
root, the `Runtime` (store, pipeline, worker, watcher), hooks for features
that start lazily (`on_ready`, `on_settings`), spool listeners, and the
way to talk to the user once.  Handlers live in `pulsedev.handlers`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import stat
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygls.server
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcParseError
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import JsonRPCRequestMessage
from pygls.workspace import Workspace

from . import __version__
from .options import Options
from .telemetry.decode import METHOD, Checked, telemetry_request
from .text_documents import lsp_workspace

log = logging.getLogger(__name__)

#: Methods whose params stay plain dicts: pygls would otherwise build a
#: namedtuple class per dict, which alone caps ingest near 10k events/s.
RAW_METHODS = frozenset({"pulsedev/telemetry", "pulsedev/status"})
_ID = re.compile(rb'"id"\s*:\s*(-?\d+|"[^"\\]{0,200}")')


@dataclass(frozen=True, slots=True)
class Raw:
    """The params of a `RAW_METHODS` request as parsed JSON, and the message's size in bytes;
    or, for a telemetry batch the fast path took whole (`telemetry/decode.py`), its checked `events`."""

    params: Any
    size: int
    events: Checked | None = None


class PulseDevProtocol(LanguageServerProtocol):
    """LSP, with `RAW_METHODS` params left as parsed JSON, and documents whose lines end where LSP's do."""

    body_size = 0

    @property
    def _workspace(self) -> Workspace | None:
        return self.__dict__.get("_lsp_workspace")

    @_workspace.setter
    def _workspace(self, workspace: Workspace | None) -> None:  # pygls makes it on `initialize`
        self.__dict__["_lsp_workspace"] = lsp_workspace(workspace)

    def parse(self, body: bytes):
        """The message in `body`: a telemetry batch checked in one pass if it can be, else parsed JSON."""
        request = telemetry_request(body)
        if request is not None:
            return JsonRPCRequestMessage(id=request.id, method=METHOD, jsonrpc=request.jsonrpc,
                                         params=Raw(None, len(body), request.events))
        message = json.loads(body)
        return self.structure_message(message) if type(message) is dict else message

    def reply_unreadable(self, body: bytes, exc: Exception) -> None:
        """A JSON-RPC parse error for a message that is not readable JSON, to its request id if one
        can be found (JSON-RPC says `null` otherwise), so the client is not left waiting."""
        found = _ID.search(body[:1024])
        msg_id = json.loads(found.group(1)) if found else None
        why = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {str(exc)[:200]}"
        error = JsonRpcParseError(f"the message is not readable JSON ({why}); nothing in it was used")
        self._send_response(msg_id, error=error.to_response_error())

    def structure_message(self, data: dict[str, Any]):
        """Keep our hot methods' params as dicts; everything else as pygls does."""
        if "jsonrpc" in data and "id" in data and data.get("method") in RAW_METHODS:
            return JsonRPCRequestMessage(
                id=data["id"], method=data["method"], jsonrpc=data["jsonrpc"],
                params=Raw(data.get("params"), self.body_size),
            )
        return super().structure_message(data)


class PulseDevServer(LanguageServer):
    """The PulseDev language server."""

    def __init__(self) -> None:
        super().__init__("pulsedev", __version__, protocol_cls=PulseDevProtocol, max_workers=4)
        self.options = Options()
        self.root: Path | None = None
        self.services: dict[str, Any] = {}
        self.runtime = None  # pulsedev.runtime.Runtime, once initialized
        self.suggestions_supported = False
        self._hooks: dict[str, list[Callable[[PulseDevServer], None]]] = {"ready": [], "settings": [], "forget": []}
        self._spool_listeners: dict[str, list[Callable[[list[dict]], None]]] = {}
        self._file_listeners: list[Callable[[Path], None]] = []
        self._told: set[str] = set()
        self.loop: asyncio.AbstractEventLoop | None = None

    @property
    def data_dir(self) -> Path:
        """The data dir in force."""
        return self.options.data_dir

    @property
    def engine(self):
        """The telemetry pipeline (alias kept for feature modules)."""
        return self.runtime.pipeline if self.runtime else None

    def start_io(self, stdin=None, stdout=None) -> None:
        """LSP over stdio, read by the event loop itself (pygls reads each header line on a
        thread pool: three thread hand-offs a message, a quarter of the CPU of a burst)."""
        stdin = stdin or sys.stdin.buffer
        try:
            mode = os.fstat(stdin.fileno()).st_mode
            is_pipe = stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)
        except (OSError, ValueError, AttributeError):
            is_pipe = False
        if not is_pipe:  # a file or terminal: pygls's own reader copes with those
            return super().start_io(stdin, stdout)
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            reader = asyncio.StreamReader(limit=64 << 20)
            loop = asyncio.get_running_loop()
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin)
            await read_messages(reader, self.protocol, self._stop_event, self.report_server_error)

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            log.error("the client closed the connection; shutting down")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    # -- hooks for feature modules -------------------------------------------
    def on_ready(self, fn: Callable[[PulseDevServer], None]) -> Callable:
        """Run `fn(ls)` once the client is initialized and the store is open."""
        self._hooks["ready"].append(fn)
        return fn

    def on_settings(self, fn: Callable[[PulseDevServer], None]) -> Callable:
        """Run `fn(ls)` after the settings change."""
        self._hooks["settings"].append(fn)
        return fn

    def on_forget(self, fn: Callable[[PulseDevServer], None]) -> Callable:
        """Run `fn(ls)` when the user forgets everything: drop learned state."""
        self._hooks["forget"].append(fn)
        return fn

    def add_spool_listener(self, record_type: str, fn: Callable[[list[dict]], None]) -> None:
        """Hand spool records of `record_type` to `fn` (called on a worker thread)."""
        self._spool_listeners.setdefault(record_type, []).append(fn)

    def spool_listeners(self, record_type: str) -> list[Callable[[list[dict]], None]]:
        """The listeners for a record type."""
        return self._spool_listeners.get(record_type, [])

    def add_file_listener(self, fn: Callable[[Path], None]) -> None:
        """Hand each path the workspace watcher sees changed outside the editor to `fn` (watcher thread)."""
        self._file_listeners.append(fn)

    def file_listeners(self) -> list[Callable[[Path], None]]:
        """The listeners for files changed outside the editor."""
        return list(self._file_listeners)

    def run_hooks(self, which: str) -> None:
        """Run the `ready`, `settings` or `forget` hooks; a failing hook is logged, never raised."""
        for fn in self._hooks[which]:
            try:
                fn(self)
            except Exception:
                log.exception("%s hook %s failed", which, getattr(fn, "__name__", fn))

    # -- talking to the client ----------------------------------------------
    def tell_user_once(self, key: str, message: str, level: types.MessageType = types.MessageType.Warning) -> None:
        """Show `message` once per session (errors degrade; they never storm the editor)."""
        log.warning("%s", message)
        if key in self._told:
            return
        self._told.add(key)
        self.call_threadsafe(self.window_show_message,
                             types.ShowMessageParams(type=level, message=f"PulseDev: {message}"))

    def call_threadsafe(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the server's loop, from any thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    def send(self, method: str, params: dict) -> None:
        """Send a PulseDev notification from any thread (suggestions fall back to showMessage)."""
        if method == "pulsedev/suggestion" and not self.suggestions_supported:
            text = f"{params.get('title', '')}: {params.get('message', '')}".strip(": ")
            self.call_threadsafe(self.window_show_message,
                                 types.ShowMessageParams(type=types.MessageType.Info, message=text))
            return
        self.call_threadsafe(self.protocol.notify, method, params)


async def read_messages(reader: asyncio.StreamReader, protocol: PulseDevProtocol, stop: threading.Event,
                        on_error: Callable[[Exception, type], Any]) -> None:
    """The LSP base protocol off `reader`, each message handed to `protocol` in order.

    pygls's own loop parses with `object_hook=structure_message`, a Python call
    for every object in the message (hundreds per telemetry batch); only the
    top-level object needs it, since nested ones come back unchanged.
    """
    length = 0
    while not stop.is_set():
        header = await reader.readline()
        if not header:
            return
        if header.lower().startswith(b"content-length:"):
            value = header.split(b":", 1)[1].strip()
            length = int(value) if value.isdigit() else 0
        elif header.strip() or not length:
            continue
        else:
            body = await reader.readexactly(length)
            length, protocol.body_size = 0, len(body)
            try:
                message = protocol.parse(body)
            except Exception as exc:  # (RecursionError included) the client's mistake
                log.warning("unreadable message (%s: %s)", type(exc).__name__, str(exc)[:200])
                protocol.reply_unreadable(body, exc)
                continue
            try:
                protocol.handle_message(message)
            except Exception as exc:  # a bad message is the client's, never the end of the server
                log.exception("unable to handle a message")
                on_error(exc, JsonRpcException)


def _track_body_size(run_async):
    """Wrap pygls's read loop so the protocol knows each message's size (the 1 MiB limit)."""

    async def run(*, reader, protocol, **kwargs):
        return await run_async(reader=_SizedReader(reader, protocol), protocol=protocol, **kwargs)

    return run


class _SizedReader:
    def __init__(self, reader, protocol):
        self._reader, self._protocol = reader, protocol

    def readline(self):
        return self._reader.readline()

    def readexactly(self, n: int):
        self._protocol.body_size = n
        return self._reader.readexactly(n)


pygls.server.run_async = _track_body_size(pygls.server.run_async)

server = PulseDevServer()
