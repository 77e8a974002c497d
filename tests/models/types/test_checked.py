"""A parameter the def checks with isinstance against other classes is trusted less as one plain type."""

from __future__ import annotations

import ast

import pytest

from pulsedev.models.types.checked import checked_against
from pulsedev.models.types.context import FileContext
from pulsedev.models.types.slots import find_slots

SRC = '''
class Event: pass
class Message(Event): pass
class Markup(str): pass

def send(value, event, text, flag):
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(event, Message):
        pass
    if isinstance(text, (Markup, Unknown)):
        pass
    if isinstance(flag, bool):
        pass
'''


@pytest.mark.parametrize("name, predicted, expected", [
    ("value", "str", "bytes"),  # a str is no bytes: the annotation is likely wider
    ("value", "str | None", "bytes"),
    ("value", "str | bytes", None),  # a union already says more than one type
    ("value", "Any", None),
    ("event", "Event", None),  # Message is an Event
    ("text", "str", None),  # Markup is a str; Unknown may be anything
    ("flag", "int", None),  # a bool is an int
    ("flag", "str", "bool"),
    ("value", "MyAlias", None),  # not a class whose relation to bytes is known
])
def test_checked_against_names_what_the_prediction_does_not_cover(name, predicted, expected):
    tree = ast.parse(SRC)
    slot = next(s for s in find_slots(tree, SRC) if s.kind == "parameter" and s.name == name)
    assert checked_against(predicted, slot, FileContext(tree, "pkg.mod")) == expected


def test_analysis_trusts_half_as_much_a_str_default_the_def_also_checks_as_bytes():
    from pulsedev.models.types.analysis import analyze

    src = ("def lookup(key=''):\n    if isinstance(key, bytes):\n        key = key.decode()\n    return key\n\n\n"
           "def plain(key=''):\n    return key\n")
    got = {r.slot.qualname: r.prediction for r in analyze(src, "m").results
           if r.slot.name == "key" and r.slot.kind == "parameter"}
    assert got["lookup"].type == got["plain"].type == "str"  # the default's type
    assert got["lookup"].confidence == round(got["plain"].confidence * 0.5, 3)
    assert got["lookup"].words.endswith("but it is checked against bytes")
