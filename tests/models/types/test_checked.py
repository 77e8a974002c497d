"""A parameter the def checks with isinstance against other classes is trusted less as one plain type;
one it first turns from a class into another is either."""

from __future__ import annotations

import ast

import pytest

from pulsedev.models.types.checked import checked_against, converted
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


CONVERTED = '''
from pathlib import Path

def want_bytes(s, encoding="utf-8"):
    """Bytes of a text."""
    if isinstance(s, str):
        s = s.encode(encoding)
    return s

def root(repo=None):
    repo = Path(repo) if isinstance(repo, str) else repo
    return repo

def enable(names):
    if isinstance(names, str):
        names = [names]
    return names

def raw(data):
    if isinstance(data, bytearray):
        data = bytes(data)
    return data

def unknown(value):
    if isinstance(value, Thing):
        value = value.encode()
    return value

class Bool:
    def __eq__(self, other):
        if isinstance(other, bool):
            other = Bool(other)
        return other is self
'''


@pytest.mark.parametrize("qualname, expected", [
    ("want_bytes", ("str | bytes", "str", "bytes")),
    ("root", ("str | Path", "str", "Path")),
    ("enable", None),  # one name made a list of names: which container the def takes is not said
    ("raw", None),  # bytes-like, which annotations call bytes
    ("unknown", None),  # a class whose relation is not known
    ("Bool.__eq__", None),  # a dunder tests what it compares
])
def test_a_parameter_the_def_first_converts_takes_the_checked_class_or_what_is_made_of_it(qualname, expected):
    tree = ast.parse(CONVERTED)
    slot = next(s for s in find_slots(tree, CONVERTED) if s.kind == "parameter" and s.qualname == qualname
                and s.name not in ("self", "encoding"))
    assert converted(slot, FileContext(tree, "pkg.mod")) == expected


def test_the_conversion_is_the_parameters_static_evidence_with_none_for_a_none_default():
    from pulsedev.models.types.static import evidence_for

    tree = ast.parse(CONVERTED)
    slots = {(s.qualname, s.name): s for s in find_slots(tree, CONVERTED) if s.kind == "parameter"}
    ctx = FileContext(tree, "pkg.mod")
    ev = evidence_for(slots[("want_bytes", "s")], ctx)
    assert (ev.type, ev.rule, ev.words) == ("str | bytes", "converted", "turns a str into bytes first")
    assert evidence_for(slots[("root", "repo")], ctx).type == "str | Path | None"
