"""`pulsedev/telemetry` and `pulsedev/status`: the editor contract's core requests."""

from __future__ import annotations

from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams

from ..app import PulseDevServer, Raw, server
from ..telemetry.validation import MAX_BATCH_BYTES, ParamsError, check_batch


def _runtime(ls: PulseDevServer):
    if ls.runtime is None:
        raise JsonRpcInternalError("PulseDev has no open data dir; see the server log or run `pulsedev doctor`")
    return ls.runtime


@server.feature("pulsedev/telemetry")
async def telemetry(ls: PulseDevServer, raw: Raw) -> dict:
    """Validate and store a batch; the reply comes once it is committed."""
    if raw.size > MAX_BATCH_BYTES:
        raise JsonRpcInvalidParams(f"batch is {raw.size} bytes, over the 1 MiB limit; send smaller batches")
    if raw.events is not None:  # checked already, on the way in
        return await _runtime(ls).ingest(raw.events)
    try:
        events = check_batch(raw.params)
    except ParamsError as exc:
        raise JsonRpcInvalidParams(str(exc)) from None
    return await _runtime(ls).ingest(events)


@server.feature("pulsedev/status")
async def status(ls: PulseDevServer, raw: Raw) -> dict:
    """The detected state, counts, models and training, as of the server's clock or `now`."""
    now = raw.params.get("now") if isinstance(raw.params, dict) else None
    if now is not None and (isinstance(now, bool) or not isinstance(now, (int, float))):
        raise JsonRpcInvalidParams("params.now must be Unix time in seconds")
    return await _runtime(ls).status(now)
