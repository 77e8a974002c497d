"""The one validator: untrusted JSON in, `Event`s and rejection reasons out.

`check_batch` checks the shape of a `pulsedev/telemetry` request (a problem
there is the whole request's: `ParamsError`, sent as JSON-RPC -32602);
`validate_event` checks one event and says why it is rejected.  Neither ever
raises on any other input.  Only the `data` fields the protocol names for a
kind are kept, and strings are capped, so no source text reaches the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from .events import DATA_FIELDS, ENUMS, REQUIRED, Event

MAX_EVENTS = 1000
MAX_BATCH_BYTES = 1 << 20
MAX_EVENT_BYTES = 16 << 10
MAX_MESSAGE_CHARS = 500  # error messages: enough to recognise, too short for a file
MAX_SHORT_CHARS = 200  # other strings
MAX_FAILURES = 50
MAX_KIND_CHARS = 64
MAX_URI_CHARS = 4096
# 2000-01-01 .. 2100-01-01: anything else is a unit mistake (ms, not s).
MIN_TS, MAX_TS = 946684800.0, 4102444800.0
MAX_INT = 2**53  # larger integers lose precision in JSON readers that use doubles

_FAILURE_FIELDS: dict[str, tuple[type, ...]] = {
    "test_id": (str,), "error_type": (str,), "message": (str,), "uri": (str,), "line": (int,),
}
LONG_TEXT_FIELDS = frozenset({"message"})  # failure fields capped at MAX_MESSAGE_CHARS, not MAX_SHORT_CHARS


class ParamsError(ValueError):
    """The request's params are not `{"events": [...]}` within the limits."""


def check_batch(params: Any) -> list[Any]:
    """The raw events of a telemetry request, or `ParamsError` saying what is wrong."""
    if not isinstance(params, dict):
        raise ParamsError('params must be an object {"events": [...]}')
    events = params.get("events")
    if not isinstance(events, list):
        raise ParamsError('params.events must be an array of events')
    if not 1 <= len(events) <= MAX_EVENTS:
        raise ParamsError(f"params.events must hold 1 to {MAX_EVENTS} events, not {len(events)}; split the batch")
    return events


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _clean_value(value: Any, types: tuple[type, ...], limit: int) -> tuple[bool, Any]:
    """(ok, cleaned) for one field value against its allowed types."""
    if isinstance(value, bool):
        return (bool in types), value
    if isinstance(value, int) and int in types:
        return (-MAX_INT <= value <= MAX_INT), value
    if isinstance(value, float) and float in types:
        return math.isfinite(value), value
    if isinstance(value, float) and int in types and value.is_integer():
        return math.isfinite(value), int(value)
    if isinstance(value, str) and str in types:
        return True, value[:limit]
    return False, value


def clean_failures(value: list[Any], path_of: Callable[[str], str | None] | None) -> list[dict[str, Any]]:
    """A test run's failures, kept to known fields, capped, with uris mapped by `path_of` (hashed by default)."""
    out = []
    for item in value[:MAX_FAILURES]:
        if not isinstance(item, dict):
            continue
        clean = {}
        for key, types in _FAILURE_FIELDS.items():
            if key in item:
                limit = MAX_MESSAGE_CHARS if key in LONG_TEXT_FIELDS else MAX_SHORT_CHARS
                ok, v = _clean_value(item[key], types, limit)
                if ok:
                    clean[key] = v
        if path_of is not None and "uri" in clean:
            path = path_of(clean.pop("uri"))
            if path is not None:
                clean["uri"] = path
        out.append(clean)
    return out


def _clean_unknown(data: dict[str, Any]) -> dict[str, Any]:
    """An unknown kind keeps only scalar fields, strings capped: counted, never source."""
    out = {}
    for key, value in list(data.items())[:32]:
        if isinstance(key, str) and len(key) <= 64:
            ok, v = _clean_value(value, (bool, int, float, str), MAX_SHORT_CHARS)
            if ok:
                out[key] = v
    return out


def validate_event(raw: Any, path_of: Callable[[str], str | None] | None = None) -> tuple[Event | None, str | None]:
    """`(event, None)` for a valid event, else `(None, reason)`.

    `path_of`, when given, maps every URI (the event's and its failures') to
    what may be kept: the privacy policy is applied here, once.

    >>> validate_event({"kind": "test_run", "ts": 1.7e9, "data": {"passed": 3, "failed": 1}})[0].data["failed"]
    1
    >>> validate_event({"kind": "test_run", "ts": 1.7e9})[1]
    'test_run needs data.passed'
    """
    if type(raw) is not dict:
        return None, "an event must be an object"
    kind = raw.get("kind")
    if type(kind) is not str or not kind or len(kind) > MAX_KIND_CHARS:
        return None, f"kind must be a non-empty string of at most {MAX_KIND_CHARS} characters"
    ts = raw.get("ts")
    if type(ts) not in (int, float) or not MIN_TS <= ts <= MAX_TS:
        if not _number(ts):
            return None, "ts must be a number (Unix time in seconds)"
        return None, f"ts {ts!r} is not Unix time in seconds (years 2000-2100); milliseconds?"
    uri = raw.get("uri")
    if uri is not None and (type(uri) is not str or len(uri) > MAX_URI_CHARS):
        return None, f"uri must be a string of at most {MAX_URI_CHARS} characters"
    data = raw.get("data")
    if data is None:
        data = {}
    elif type(data) is not dict:
        return None, "data must be an object"
    elif len(data) > 64:
        return None, "data has too many fields (at most 64)"
    fields = DATA_FIELDS.get(kind)
    if fields is None:
        clean = _clean_unknown(data)
    else:
        clean = {}
        for key, value in data.items():
            types = fields.get(key)
            if types is None:
                continue  # not a protocol field: dropped, never stored
            t = type(value)
            if t in types and (t is bool or (t is int and -MAX_INT <= value <= MAX_INT)
                               or (t is str and len(value) <= MAX_SHORT_CHARS)
                               or (t is float and math.isfinite(value))):
                v = value  # already clean: the common case, checked first
            elif t is str and len(value) > MAX_EVENT_BYTES:
                return None, f"event is over {MAX_EVENT_BYTES // 1024} KiB (data.{key}); send a shorter {key}"
            elif key == "failures":
                if t is not list:
                    return None, f"{kind} data.failures must be an array"
                clean[key] = clean_failures(value, path_of)
                continue
            else:
                ok, v = _clean_value(value, types, MAX_MESSAGE_CHARS if key in LONG_TEXT_FIELDS else MAX_SHORT_CHARS)
                if not ok:
                    names = " or ".join("boolean" if t is bool else t.__name__ for t in types)
                    return None, f"{kind} data.{key} must be {names}"
            allowed = ENUMS.get((kind, key))
            if allowed is not None and v not in allowed:
                return None, f"{kind} data.{key} must be one of {', '.join(sorted(allowed))}, not {v!r}"
            clean[key] = v
        required = REQUIRED.get(kind)
        if required:
            for key in required:
                if key not in clean:
                    return None, f"{kind} needs data.{key}"
    if path_of is not None and uri is not None:
        uri = path_of(uri)
    return Event(kind, float(ts), uri, MappingProxyType(clean)), None

