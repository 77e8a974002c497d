"""The validator: table tests, and property tests that no input makes it raise."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulsedev.telemetry.events import Event
from pulsedev.telemetry.validation import MAX_EVENTS, ParamsError, check_batch, validate_event

TS = 1.75e9

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
kinds = st.sampled_from(["file_modified", "test_run", "focus_changed", "self_report", "error_occurred",
                         "command_executed", "cursor_moved", "whatever"]) | st.text(max_size=70)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_no_json_value_makes_it_raise(value):
    event, reason = validate_event(value)
    assert (event is None) != (reason is None)


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries({"kind": kinds, "ts": st.floats() | st.integers() | json_values},
                             optional={"uri": json_values, "data": st.dictionaries(st.text(max_size=12), json_values)}))
def test_event_shaped_input_is_valid_or_has_a_reason(raw):
    event, reason = validate_event(raw)
    if event is None:
        assert isinstance(reason, str) and reason
    else:
        assert isinstance(event, Event) and math.isfinite(event.ts)
        for value in event.data.values():  # only JSON scalars or cleaned failures survive
            assert isinstance(value, (bool, int, float, str, list))


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_check_batch_raises_only_params_error(value):
    with contextlib.suppress(ParamsError):
        check_batch(value)


@pytest.mark.parametrize("raw, fragment", [
    ({"kind": "", "ts": TS}, "kind"),
    ({"kind": "file_saved"}, "ts must be a number"),
    ({"kind": "file_saved", "ts": True}, "ts must be a number"),
    ({"kind": "file_saved", "ts": float("inf")}, "ts"),
    ({"kind": "file_saved", "ts": TS * 1000}, "milliseconds"),
    ({"kind": "file_saved", "ts": TS, "uri": 3}, "uri"),
    ({"kind": "file_saved", "ts": TS, "data": []}, "data must be an object"),
    ({"kind": "file_modified", "ts": TS, "data": {"chars_added": "3"}}, "chars_added must be int"),
    ({"kind": "focus_changed", "ts": TS, "data": {"target": "tab"}}, "one of editor, window"),
    ({"kind": "self_report", "ts": TS, "data": {}}, "needs data.state"),
    ({"kind": "test_run", "ts": TS, "data": {"passed": 1, "failed": 0, "failures": {}}}, "array"),
    ({"kind": "error_occurred", "ts": TS, "data": {"message": "x" * 17000}}, "16 KiB"),
])
def test_reasons_say_what_is_wrong(raw, fragment):
    event, reason = validate_event(raw)
    assert event is None and fragment in reason


def test_only_protocol_fields_are_kept_and_text_is_capped():
    event, _ = validate_event({"kind": "error_occurred", "ts": TS, "data": {
        "message": "m" * 5000, "error_type": "KeyError", "source_text": "def f(): ...", "line": 3.0}})
    assert set(event.data) == {"message", "error_type", "line"}
    assert len(event.data["message"]) == 500 and event.data["line"] == 3


def test_unknown_kinds_keep_only_short_scalars():
    event, _ = validate_event({"kind": "x_custom", "ts": TS, "data": {"n": 1, "nested": {"a": 1}, "s": "y" * 999}})
    assert dict(event.data) == {"n": 1, "s": "y" * 200}


def test_failures_are_cleaned():
    event, _ = validate_event({"kind": "test_run", "ts": TS, "data": {"passed": 1, "failed": 1, "failures": [
        {"test_id": "t", "error_type": "E", "line": 4, "locals": {"secret": 1}}, "junk"]}})
    assert event.data["failures"] == [{"test_id": "t", "error_type": "E", "line": 4}]


def test_batch_limits():
    with pytest.raises(ParamsError, match="1 to 1000"):
        check_batch({"events": [{}] * (MAX_EVENTS + 1)})
    assert len(check_batch({"events": [{}] * MAX_EVENTS})) == MAX_EVENTS
