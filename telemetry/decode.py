"""The fast path: a `pulsedev/telemetry` request's params decoded and checked in one C pass (msgspec).

`validation.py` is the reference: it says why an event is rejected.  This
module compiles the same rules (`DATA_FIELDS`, `REQUIRED`, `ENUMS`, the
limits) into msgspec types, so a batch in which every event is valid and
already clean is decoded straight into checked dicts, with no Python call
per field.  Anything else, one bad event, an unknown kind, a string to cap,
an unknown `data` field to drop, makes `decode_batch` return None and the
caller falls back to `json.loads` and the validator, which gives the reasons.
Both paths yield the same events for the same input (a property test holds
them to that).
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Annotated, Any, Literal, NamedTuple, Union

import msgspec

from .events import DATA_FIELDS, ENUMS, REQUIRED, Event
from .validation import (
    LONG_TEXT_FIELDS,
    MAX_EVENTS,
    MAX_INT,
    MAX_KIND_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_SHORT_CHARS,
    MAX_TS,
    MAX_URI_CHARS,
    MIN_TS,
    clean_failures,
)

METHOD = "pulsedev/telemetry"

_FLOAT_MAX = 1.7976931348623157e308  # finite floats only, as the validator wants


def _field_type(kind: str, key: str, types: tuple[type, ...]) -> Any:
    """The msgspec type of one `data` field: exactly the values the validator keeps unchanged."""
    allowed = ENUMS.get((kind, key))
    if allowed is not None:
        return Literal[tuple(sorted(allowed))]
    options = []
    for t in types:
        if t is bool:
            options.append(bool)
        elif t is int:
            options.append(Annotated[int, msgspec.Meta(ge=-MAX_INT, le=MAX_INT)])
        elif t is float:
            options.append(Annotated[float, msgspec.Meta(ge=-_FLOAT_MAX, le=_FLOAT_MAX)])
        elif t is str:
            limit = MAX_MESSAGE_CHARS if key in LONG_TEXT_FIELDS else MAX_SHORT_CHARS
            options.append(Annotated[str, msgspec.Meta(max_length=limit)])
        elif t is list:
            options.append(list)  # test_run failures: cleaned by the validator's own helper afterwards
    return Union[tuple(options)] if len(options) > 1 else options[0]


def _event_type(kind: str, fields: dict[str, tuple[type, ...]]) -> type:
    required = set(REQUIRED.get(kind, ()))
    data_fields = [(key, _field_type(kind, key, types)) if key in required
                   else (key, _field_type(kind, key, types), msgspec.UNSET)
                   for key, types in sorted(fields.items(), key=lambda kv: kv[0] not in required)]
    data = msgspec.defstruct(f"{kind}_data", data_fields, forbid_unknown_fields=True, omit_defaults=True)
    ts = Annotated[float, msgspec.Meta(ge=MIN_TS, le=MAX_TS)]
    uri = Union[Annotated[str, msgspec.Meta(max_length=MAX_URI_CHARS)], None]
    event_fields = [("ts", ts), ("data", data)] if required else [("ts", ts), ("data", Union[data, None], None)]
    event_fields.append(("uri", uri, None))
    return msgspec.defstruct(kind, event_fields, tag_field="kind", tag=kind, omit_defaults=True)


assert all(len(kind) <= MAX_KIND_CHARS for kind in DATA_FIELDS)
_EVENT = Union[tuple(_event_type(kind, fields) for kind, fields in DATA_FIELDS.items())]
_PARAMS = msgspec.defstruct("params", [("events", Annotated[list[_EVENT],
                                                            msgspec.Meta(min_length=1, max_length=MAX_EVENTS)])])
_decoder = msgspec.json.Decoder(_PARAMS)
_to_builtins = msgspec.to_builtins


def decode_batch(params: bytes) -> list[dict[str, Any]] | None:
    """The events of a telemetry request's params (JSON bytes) as clean dicts, if every one is valid as sent.

    Each dict has `kind`, `ts` (a float), and `uri` and `data` when present.
    None means "use the validator": the batch is not all clean, or not well formed.

    >>> decode_batch(b'{"events": [{"kind": "cursor_moved", "ts": 1.7e9, "data": {"line": 3}}]}')
    [{'kind': 'cursor_moved', 'ts': 1700000000.0, 'data': {'line': 3}}]
    >>> decode_batch(b'{"events": [{"kind": "cursor_moved", "ts": 1.7e9, "data": {"line": "3"}}]}') is None
    True
    """
    try:
        return _to_builtins(_decoder.decode(params).events)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):  # the slow path says what is wrong
        return None


class Checked(list):
    """A batch's events as `decode_batch` gave them: valid, clean dicts (see `checked_event`)."""


def checked_event(clean: dict[str, Any], path_of: Callable[[str], str | None] | None = None) -> tuple[Event, None]:
    """The `Event` of a dict from `decode_batch`, as `validate_event` would build it from the same JSON.

    >>> checked_event({"kind": "file_saved", "ts": 1.7e9, "uri": "file:///a.py"}, str.upper)[0].uri
    'FILE:///A.PY'
    """
    data = clean.get("data") or {}
    if "failures" in data:
        data["failures"] = clean_failures(data["failures"], path_of)
    uri = clean.get("uri")
    if path_of is not None and uri is not None:
        uri = path_of(uri)
    return Event(clean["kind"], clean["ts"], uri, MappingProxyType(data)), None


class Request(NamedTuple):
    """A `pulsedev/telemetry` request whose events the fast path took."""

    id: int | str
    jsonrpc: str
    events: Checked


class _Envelope(msgspec.Struct):
    jsonrpc: str = "2.0"
    id: int | str | None = None
    method: str = ""
    params: msgspec.Raw = msgspec.Raw()


_envelope = msgspec.json.Decoder(_Envelope)
_NAME = METHOD.encode()


def telemetry_request(body: bytes) -> Request | None:
    """The message, if it is a telemetry request the fast path can take in full; None for anything else.

    >>> telemetry_request(b'{"jsonrpc": "2.0", "id": 7, "method": "pulsedev/telemetry", '
    ...                   b'"params": {"events": [{"kind": "file_saved", "ts": 1.7e9}]}}')
    Request(id=7, jsonrpc='2.0', events=[{'kind': 'file_saved', 'ts': 1700000000.0}])
    """
    if _NAME not in body:
        return None
    try:
        envelope = _envelope.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError, RecursionError):  # the slow path says what is wrong
        return None
    if envelope.method != METHOD or envelope.id is None or not envelope.params:
        return None
    events = decode_batch(envelope.params)
    return None if events is None else Request(envelope.id, envelope.jsonrpc, Checked(events))
