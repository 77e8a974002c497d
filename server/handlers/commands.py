"""Commands: feedback, self-reports, forget and the report (`workspace/executeCommand`)."""

from __future__ import annotations

from pygls.exceptions import JsonRpcInvalidParams

from ..app import PulseDevServer, server
from ..convert import plain
from ..report import write_report
from ..telemetry.events import LABELS
from .telemetry import _runtime


def _first(args: tuple) -> dict:
    arg = plain(args[0]) if args else {}
    if not isinstance(arg, dict):
        raise JsonRpcInvalidParams("the command takes one object argument")
    return arg


@server.command("pulsedev.feedback")
async def feedback(ls: PulseDevServer, *args) -> dict:
    """`[{"id": suggestionId, "helpful": bool}]`: the learners update from it."""
    arg = _first(args)
    if not isinstance(arg.get("id"), str) or not isinstance(arg.get("helpful"), bool):
        raise JsonRpcInvalidParams('pulsedev.feedback takes [{"id": "<suggestion id>", "helpful": true|false}]')
    runtime = _runtime(ls)
    for name in ("errors", "strategy"):  # services that made suggestions of their own
        service = ls.services.get(name)
        if service is not None and await runtime.run(service.feedback, arg["id"], arg["helpful"]):
            return {"ok": True}
    await runtime.run(runtime.pipeline.feedback, arg["id"], arg["helpful"])
    return {"ok": True}


@server.command("pulsedev.selfReport")
async def self_report(ls: PulseDevServer, *args) -> dict:
    """`[{"state": "stuck" | "flow" | "neutral"}]`: the same as a `self_report` event now."""
    state = _first(args).get("state")
    if state not in LABELS:
        raise JsonRpcInvalidParams(f"state must be one of {', '.join(LABELS)}, not {state!r}")
    runtime = _runtime(ls)
    await runtime.run(runtime.pipeline.label, state)
    return await runtime.status(None)


@server.command("pulsedev.forget")
async def forget(ls: PulseDevServer, *args) -> dict:
    """`[]` or `[{"before": ts}]`: delete stored events and learned state."""
    before = _first(args).get("before")
    if before is not None and (isinstance(before, bool) or not isinstance(before, (int, float))):
        raise JsonRpcInvalidParams("before must be Unix time in seconds")
    runtime = _runtime(ls)
    deleted = await runtime.run(runtime.pipeline.forget, before)
    if before is None:
        ls.run_hooks("forget")
    return {"deleted": deleted}


@server.command("pulsedev.report")
async def report(ls: PulseDevServer, *args) -> str:
    """Write the HTML report of what is stored and learned; returns its file URI."""
    runtime = _runtime(ls)
    return await runtime.run(write_report, runtime.store, runtime.pipeline, ls.data_dir)
