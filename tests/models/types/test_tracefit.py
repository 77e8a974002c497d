"""Traced types weighed against what the code says: isinstance checks, None handling, self, subclasses."""

from __future__ import annotations

import ast

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.context import FileContext
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.tracefit import doubts
from pulsedev.models.types.traces import TraceStore

SOURCE = '''
import abc


def to_text(value):
    if isinstance(value, bytes):
        return value.decode()
    return value


def load(source):
    return to_text(source)


def pick(name, default=None):
    return name if default is None else default


def plain(count):
    return count + 1


class Key(abc.ABC):
    @abc.abstractmethod
    def text(self):
        ...


class Single(Key):
    def text(self):
        return "k"

    def __eq__(self, other):
        return self is other

    @property
    def value(self):
        return self

    def chain(self):
        return self


def make_key(n):
    return Single()
'''


def _doubt(qualname, name, observed):
    tree = ast.parse(SOURCE)
    ctx = FileContext(tree, "m")
    slot = next(s for s in find_slots(tree, SOURCE) if s.qualname == qualname and s.name == name)
    return doubts(observed, slot, ctx)


def test_code_that_accepts_more_than_the_tests_passed_lowers_trust():
    assert _doubt("to_text", "value", "str")[1] >= 0.25  # isinstance against another class
    _, penalty, why = _doubt("load", "source", "str")  # passed on to a function that checks it
    assert penalty >= 0.25 and "to_text" in why[0]
    assert _doubt("Single.__eq__", "other", "Single")[1] >= 0.25  # operands are annotated wide
    assert _doubt("plain", "count", "int") == ("int", 0.0, [])


def test_none_the_code_handles_is_added_to_the_type():
    t, penalty, why = _doubt("pick", "default", "str")
    assert t == "str | None" and penalty < 0.1 and "None" in why[0]
    assert _doubt("pick", "default", "str | None")[0] == "str | None"


def test_self_returns_and_subclasses_of_abstract_bases():
    assert _doubt("Single.value", "return", "Single")[1] >= 0.25  # a property returning self
    _, _, why = _doubt("Single.chain", "return", "Single")  # fluent: its own class, no doubt for that
    assert not any("self" in w for w in why) and any("base" in w for w in why)
    assert _doubt("make_key", "return", "Single")[1] >= 0.3  # the base is abstract
    assert _doubt("make_key", "return", "list[Single]")[1] >= 0.4


def test_reasons_reach_the_tooltip_words(tmp_path):
    path = str(tmp_path / "m.py")
    store = TraceStore()
    store.add([{"type": "trace", "file": path, "qualname": "to_text", "calls": 40,
                "params": [{"name": "value", "type": "str", "observed": {"str": 40}}],
                "returns": {"type": "str", "observed": {"str": 40}}}])
    a = analyze(SOURCE, "m", traces=store, path=path)
    r = next(r for r in a.results if r.slot.qualname == "to_text" and r.slot.name == "value")
    assert r.prediction.source == "trace" and r.prediction.confidence < 0.8
    assert "isinstance" in r.prediction.words and "40 calls" in r.prediction.words


def test_a_union_inside_a_container_is_trusted_less_than_a_plain_one():
    from pulsedev.models.types.combine import complexity, from_trace

    assert complexity("dict[str, bytes | None]") >= complexity("dict[str, bytes]") + 0.2
    assert (from_trace("dict[str, bytes | None]", 200, None).confidence
            < 0.8 <= from_trace("dict[str, bytes]", 200, None).confidence)


REDEFINED = '''
import functools


@functools.singledispatch
def show(x):
    return "object"


@show.register
def _(x):
    return "int"


@show.register
def _(x):
    return "str"
'''


def test_a_trace_of_a_redefined_name_types_only_the_def_it_came_from(tmp_path):
    """`sys.monitoring` traces the last `_` (the module's); its types must not land on the first."""
    path = str(tmp_path / "m.py")
    store = TraceStore()
    last_def = max(i for i, line in enumerate(REDEFINED.splitlines(), 1) if line.startswith("def _"))
    store.add([{"type": "trace", "file": path, "qualname": "_", "lineno": last_def, "calls": 40,
                "params": [{"name": "x", "type": "str", "observed": {"str": 40}}],
                "returns": {"type": "str", "observed": {"str": 40}}}])
    a = analyze(REDEFINED, "m", traces=store, path=path)
    traced = {(r.slot.qualname, r.slot.name) for r in a.results
              if r.prediction is not None and r.prediction.source == "trace"}
    assert traced == {("_@2", "x"), ("_@2", "return")}


CLASSES = '''
class Key:
    def __init__(self, text=""):
        self.text = text


class Encoder:
    def encode(self, value):
        return str(value)


def add(key, value):
    return key.text, value


def register(encoder):
    return encoder.encode


def lookup(key):
    return key.text
'''


def test_a_class_its_name_names_is_trusted_less_when_the_tests_passed_something_it_cannot_be(tmp_path):
    path = str(tmp_path / "m.py")
    store = TraceStore()
    store.add([{"type": "trace", "file": path, "qualname": "add", "calls": 20,  # `object`: too vague to show
                "params": [{"name": "key", "type": "object", "observed": {"str": 14, "m.Key": 6}},
                           {"name": "value", "type": "int", "observed": {"int": 20}}], "returns": {}},
               {"type": "trace", "file": path, "qualname": "register", "calls": 5,
                "params": [{"name": "encoder", "type": "collections.abc.Callable",
                            "observed": {"collections.abc.Callable": 5}}], "returns": {}}])
    untraced = {(r.slot.qualname, r.slot.name): r.prediction for r in analyze(CLASSES, "m").results}
    traced = {(r.slot.qualname, r.slot.name): r.prediction
              for r in analyze(CLASSES, "m", traces=store, path=path).results}
    for slot in (("add", "key"), ("register", "encoder")):
        assert untraced[slot].type == traced[slot].type  # the same candidate ...
        assert traced[slot].confidence == round(untraced[slot].confidence * 0.5, 3)  # ... trusted half as much
    assert "but tests passed a str" in traced[("add", "key")].words
    assert "but tests passed a function" in traced[("register", "encoder")].words
    assert traced[("lookup", "key")] == untraced[("lookup", "key")]  # not traced: unchanged


def test_what_a_protocol_or_a_typed_dict_takes_is_no_contradiction():
    from pulsedev.models.types.tracefit import contradicted

    ctx = FileContext(ast.parse("from typing import Protocol, TypedDict\n\n\n"
                                "class Config(TypedDict):\n    name: str\n\n\n"
                                "class Encoder(Protocol):\n    def __call__(self, value): ...\n\n\n"
                                "class Key:\n    pass\n"))
    assert contradicted("Config", {"dict[str, str]"}, ctx) is None  # a TypedDict's values are plain dicts
    assert contradicted("Encoder", {"str", "collections.abc.Callable"}, ctx) is None
    assert contradicted("Key | None", {"None", "str"}, ctx) == "a str"
    assert contradicted("Key", {"collections.abc.Callable"}, ctx) == "a function"
    assert contradicted("str", {"int"}, ctx) is None  # not a class of the workspace: the model's business
