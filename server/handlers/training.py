"""`pulsedev.train`: start background training now; progress goes out as `$/progress`."""

from __future__ import annotations

from pygls.exceptions import JsonRpcInvalidParams

from ..app import PulseDevServer, server
from .commands import _first
from .telemetry import _runtime


@server.command("pulsedev.train")
def train(ls: PulseDevServer, *args) -> dict:
    """`[]` or `[{"models": [names]}]`: train in the background; returns at once."""
    names = _first(args).get("models")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise JsonRpcInvalidParams('pulsedev.train takes [] or [{"models": ["detector", "types"]}]')
    runtime = _runtime(ls)
    known = runtime.trainer_jobs()
    unknown = sorted(set(names or []) - set(known))
    if unknown:
        raise JsonRpcInvalidParams(f"unknown models {unknown}; known: {sorted(known)}")
    started = runtime.train(names)
    return {"started": started, "running": runtime.trainer.running}
