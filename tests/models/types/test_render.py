"""render.py: hints whose edits give code that runs on the Python the workspace targets."""

from __future__ import annotations

import ast
from dataclasses import replace

import pytest

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.combine import Prediction
from pulsedev.models.types.render import future_position, hint

SOURCE = '''\
\"\"\"Old code.\"\"\"
import os


def words(text=""):
    return text.split()


def first(items):
    found = None
    for item in items:
        found = len(item)
    return found


class Node:
    def __enter__(self):
        return self
'''


def _hints(text, target, said=None):
    """Hints by (qualname, name); `said` sets some slots' types as a model would say them."""
    said = {("Node.__enter__", "return"): "Self", **(said or {})}
    a = analyze(text, "m")
    out = {}
    for r in a.results:
        if (r.slot.qualname, r.slot.name) in said:
            r = replace(r, prediction=Prediction(said[r.slot.qualname, r.slot.name], 0.9, "model", "name and usage"))
        h = r.prediction and hint(r, a.ctx, a.ctx.tree, target=target)
        if h:
            out[(r.slot.qualname, r.slot.name)] = h
    return out


def _apply(text, edits):
    lines = text.splitlines(keepends=True) + [""]
    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        ln, ch = e["range"]["start"]["line"], e["range"]["start"]["character"]
        lines[ln] = lines[ln][:ch] + e["newText"] + lines[ln][ch:]
    return "".join(lines)


def _future_first(text):
    body = ast.parse(text).body
    return isinstance(body[1], ast.ImportFrom) and body[1].module == "__future__"


@pytest.mark.parametrize("target, future", [((3, 8), True), ((3, 9), False), (None, False)])
def test_a_builtin_generic_brings_the_future_import_before_39(target, future):
    h = _hints(SOURCE, target)[("words", "return")]
    assert h["label"] == "-> list[str]"
    text = _apply(SOURCE, h["textEdits"])
    assert _future_first(text) == future
    assert ("from __future__ import annotations" in h["tooltip"]["value"]) == future
    assert "-> list[str]" in text


@pytest.mark.parametrize("target, future", [((3, 9), True), ((3, 10), False)])
def test_a_union_brings_the_future_import_before_310(target, future):
    h = _hints(SOURCE, target, {("first", "items"): "list[str] | None"})[("first", "items")]
    assert h["label"] == ": list[str] | None"
    assert _future_first(_apply(SOURCE, h["textEdits"])) == future


def test_a_local_variable_needs_no_future_import():  # never evaluated (PEP 526)
    h = _hints(SOURCE, (3, 8))[("first", "found")]
    assert h["label"] == ": int | None" and len(h["textEdits"]) == 1


def test_a_plain_type_needs_no_future_import():
    h = _hints(SOURCE, (3, 8))[("words", "text")]
    assert h["label"] == ": str" and len(h["textEdits"]) == 1


def test_a_file_that_has_the_future_import_gets_no_second_one():
    text = SOURCE.replace('import os\n', 'from __future__ import annotations\nimport os\n')
    h = _hints(text, (3, 8))[("words", "return")]
    assert len(h["textEdits"]) == 1


def test_self_is_offered_only_from_311_or_when_the_file_imports_it():
    h = _hints(SOURCE, (3, 11))[("Node.__enter__", "return")]
    assert h["label"] == "-> Self" and "from typing import Self" in _apply(SOURCE, h["textEdits"])
    assert ("Node.__enter__", "return") not in _hints(SOURCE, (3, 10))
    imported = SOURCE.replace("import os\n", "import os\nfrom typing_extensions import Self\n")
    assert _hints(imported, (3, 10))[("Node.__enter__", "return")]["label"] == "-> Self"


@pytest.mark.parametrize("text, line", [
    ('"""Doc\nstring."""\nimport os\n', 2),
    ("#!/usr/bin/env python\n# comment\n\nimport os\n", 3),
    ("# header\n@decorator\ndef f():\n    pass\n", 1),
    ("", 0),
])
def test_the_future_import_goes_first_below_a_docstring_or_comments(text, line):
    assert future_position(ast.parse(text)) == line


CHECKING = '''\
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from decimal import Decimal


def price(amount):
    return amount


def total(count):
    from fractions import Fraction
    return count
'''


def _run(text):
    """Executes a module's text as Python runs a file (no future flags inherited from this one)."""
    namespace: dict = {}
    exec(compile(text, "checking.py", "exec", dont_inherit=True), namespace)
    return namespace


def test_a_name_imported_only_for_type_checking_brings_the_future_import():
    h = _hints(CHECKING, None, {("price", "amount"): "Decimal"})[("price", "amount")]
    assert h["label"] == ": Decimal"
    assert [e["newText"] for e in h["textEdits"]] == [": Decimal", "from __future__ import annotations\n"]
    with pytest.raises(NameError):  # what the hint alone would do at import
        _run(_apply(CHECKING, h["textEdits"][:1]))
    assert _run(_apply(CHECKING, h["textEdits"]))["price"].__annotations__["amount"] == "Decimal"


def test_a_name_imported_only_inside_a_def_is_imported_for_the_signature():
    h = _hints(CHECKING, None, {("price", "amount"): "Fraction"})[("price", "amount")]
    text = _apply(CHECKING, h["textEdits"])
    assert "\nfrom fractions import Fraction\n" in text and "def price(amount: Fraction)" in text
    namespace = _run(text)
    assert namespace["price"].__annotations__["amount"] is namespace["Fraction"]


FORWARD = '''\
class Node:
    def __init__(self, parent=None):
        self.parent = parent

    def child(self):
        return Node(self)


def make():
    return Leaf()


class Leaf:
    pass


def grow():
    return Node()
'''


@pytest.mark.parametrize("qualname, future", [("Node.child", True), ("make", True), ("grow", False)])
def test_a_class_not_yet_bound_where_the_def_runs_brings_the_future_import(qualname, future):
    h = _hints(FORWARD, (3, 11))[(qualname, "return")]
    assert (len(h["textEdits"]) == 2) == future
    _run(_apply(FORWARD, h["textEdits"]))  # `-> Node` inside `class Node`: a NameError without it
    if future:
        with pytest.raises(NameError):
            _run(_apply(FORWARD, h["textEdits"][:1]))
