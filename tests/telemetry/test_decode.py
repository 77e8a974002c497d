"""The fast path agrees with the validator: whatever it takes, it turns into the validator's events."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pulsedev.telemetry.decode import (
    Checked,
    checked_event,
    decode_batch,
    telemetry_request,
)
from pulsedev.telemetry.events import DATA_FIELDS
from pulsedev.telemetry.validation import check_batch, validate_event

TS = 1.75e9

scalars = (st.none() | st.booleans() | st.integers(min_value=-2**60, max_value=2**60)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
           | st.text(min_size=190, max_size=520))
failure = st.dictionaries(st.sampled_from(["test_id", "error_type", "message", "uri", "line", "other"]), scalars,
                          max_size=5)
values = scalars | st.lists(failure | scalars, max_size=3) | st.sampled_from(
    ["editor", "window", "stuck", "flow", "neutral", "runtime", "terminal", "debug", "diagnostic", "nope"])
field_names = st.sampled_from(sorted({f for fields in DATA_FIELDS.values() for f in fields} | {"extra", "text"}))
events = st.fixed_dictionaries(
    {"kind": st.sampled_from(sorted(DATA_FIELDS) + ["unknown_kind"]),
     "ts": st.sampled_from([TS, int(TS), 1.0, 5e12, True, "1.7e9"]) | st.floats(1e9, 2e9)},
    optional={"uri": st.none() | st.text(max_size=20) | st.integers(),
              "data": st.none() | st.dictionaries(field_names, values, max_size=6),
              "other": scalars},
)


def _path(uri: str) -> str:
    return "h:" + uri[::-1]


def _reference(raw_events: list) -> list:
    return [validate_event(e, _path)[0] for e in raw_events]


@settings(max_examples=600, deadline=None)
@given(st.lists(events, min_size=1, max_size=5))
def test_what_the_fast_path_takes_the_validator_accepts_unchanged(raw_events):
    body = json.dumps({"events": raw_events}).encode()
    clean = decode_batch(body)
    if clean is None:
        return
    fast = [checked_event(c, _path)[0] for c in clean]
    assert fast == _reference(raw_events)
    for a, b in zip(fast, _reference(raw_events)):  # same types too: 2 stays 2, not 2.0
        assert [type(v) for v in a.data.values()] == [type(v) for v in b.data.values()]


@settings(max_examples=300, deadline=None)
@given(st.lists(events, min_size=1, max_size=5))
def test_a_batch_of_valid_clean_events_of_known_kinds_takes_the_fast_path(raw_events):
    reference = _reference(raw_events)
    if any(e is None or not e.known for e in reference):  # unknown kinds keep scalars: the validator's job
        return
    resent = [e.to_dict() for e in (validate_event(r)[0] for r in raw_events)]  # clean, as a well-behaved client sends
    assert decode_batch(json.dumps({"events": resent}).encode()) is not None


def test_anything_else_falls_back():
    ok = {"kind": "cursor_moved", "ts": TS, "data": {"line": 3}}
    for bad in [{"kind": "cursor_moved", "ts": TS, "data": {"line": "3"}},      # wrong type: needs a reason
                {"kind": "mystery", "ts": TS},                                   # unknown kind: kept by the validator
                {"kind": "cursor_moved", "ts": TS, "data": {"line": 3, "text": "x"}},  # a field to drop
                {"kind": "error_occurred", "ts": TS, "data": {"message": "m" * 600}},  # a string to cap
                {"kind": "test_run", "ts": TS}]:                                 # a required field missing
        assert decode_batch(json.dumps({"events": [ok, bad]}).encode()) is None
    for params in [{"events": []}, {"events": [ok] * 1001}, {"events": {}}, [], None]:
        assert decode_batch(json.dumps(params).encode()) is None


def test_telemetry_request_only_for_whole_telemetry_requests():
    params = {"events": [{"kind": "file_saved", "ts": TS, "uri": "file:///a.py"}]}
    request = telemetry_request(json.dumps({"jsonrpc": "2.0", "id": "x1", "method": "pulsedev/telemetry",
                                            "params": params}).encode())
    assert request.id == "x1" and type(request.events) is Checked
    assert [checked_event(e)[0] for e in request.events] == [validate_event(e)[0] for e in check_batch(params)]
    notification = {"jsonrpc": "2.0", "method": "pulsedev/telemetry", "params": params}
    other = {"jsonrpc": "2.0", "id": 2, "method": "textDocument/didOpen", "params": {"text": "pulsedev/telemetry"}}
    for message in (notification, other):
        assert telemetry_request(json.dumps(message).encode()) is None
    assert telemetry_request(b'{"method": "pulsedev/telemetry", "id": 1, "params": ') is None
