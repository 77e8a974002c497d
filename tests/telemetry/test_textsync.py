"""Text-sync events: counts from incremental and whole-text changes."""

from __future__ import annotations

from types import SimpleNamespace as NS

from pulsedev.telemetry.textsync import DocumentTracker


def rng(l1, c1, l2, c2):
    return NS(start=NS(line=l1, character=c1), end=NS(line=l2, character=c2))


def test_incremental_changes():
    t = DocumentTracker(clock=lambda: 1.75e9)
    t.opened("u", "abc\ndef\n")
    e = t.changed("u", [NS(range=rng(0, 1, 0, 2), text="XYZ")], "aXYZc\ndef\n")
    assert dict(e.data) == {"chars_added": 3, "chars_deleted": 1, "lines_changed": 1}


def test_whole_text_changes_count_lines():
    t = DocumentTracker(clock=lambda: 1.75e9)
    t.opened("u", "a\nb\nc\nd\n")
    e = t.changed("u", [NS(text="a\nB\nB2\nc\nd\n")], "a\nB\nB2\nc\nd\n")
    assert dict(e.data) == {"chars_added": 3, "chars_deleted": 0, "lines_changed": 2}


def test_no_change_no_event_and_close_forgets():
    t = DocumentTracker(clock=lambda: 1.75e9)
    t.opened("u", "x")
    assert t.changed("u", [], "x") is None
    assert t.is_open("u")
    assert t.closed("u").kind == "file_closed" and not t.is_open("u")
