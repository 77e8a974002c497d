"""Incremental analysis: the reused parse tree, context and per-unit evidence equal a fresh analysis."""

from __future__ import annotations

import argparse
import ast
import inspect
import json.decoder
import random
import textwrap

import pytest

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.context import FileContext
from pulsedev.models.types.engine import TypeEngine
from pulsedev.models.types.incremental import DocumentMemo
from pulsedev.models.types.prefetch import Gate
from pulsedev.models.types.reparse import reparse
from pulsedev.options import parse_options

SNIPPETS = ["", "\n", "    x = 1\n", "def f(a, b=2):\n    return a\n", "  ", "# c\n", "(", ")", '"""', "@dec\n",
            "else:\n", "class A:\n    y = 3\n", "import os\n", "\\\n", "x = [\n", "a = 1; b = 2\n",
            "elif x:\n    pass\n", "    return 3\n", "    def g(self):\n        return 1\n", "        y = 2\n",
            "    @property\n", "    z: int = 3\n", "        if a:\n", "    else:\n        pass\n", "x = 1\n"]


def _edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.choice([0, 0, 1, 2, 5]))
    moved = "".join(lines[i:j]).replace("\n", rng.choice(["\n", "\n\n", " \n"]), 1) if rng.random() < 0.5 else ""
    return "".join(lines[:i]) + rng.choice(SNIPPETS) + moved + "".join(lines[j:])


def _versions(text: str, rng: random.Random, steps: int):
    """(step, text) of random edits, one upon the other, skipping those that do not parse."""
    for step in range(steps):
        new = _edit(text, rng)
        try:
            ast.parse(new)
        except (SyntaxError, ValueError):
            continue
        yield step, new
        text = new


def test_reparse_gives_the_tree_of_a_full_parse_after_random_edits():
    rng = random.Random(5)
    checked = 0
    for module in (textwrap, json.decoder, argparse):
        text = inspect.getsource(module)
        tree = ast.parse(text)
        for _ in range(80):
            new = text
            for _ in range(rng.choice([1, 2, 3])):  # several places per version, as a formatter does
                new = _edit(new, rng)
            try:
                want = ast.dump(ast.parse(new), include_attributes=True)
            except (SyntaxError, ValueError):
                continue
            tree = reparse(text.splitlines(keepends=True), tree, new)
            assert ast.dump(tree, include_attributes=True) == want
            text, checked = new, checked + 1
    assert checked > 40


def test_memo_context_equals_a_fresh_file_context():
    text = inspect.getsource(json.decoder) + "\ndef late():\n    import os.path as p\n    from re import sub\n"
    memo = DocumentMemo()
    tree = memo.parse(text)
    fast, slow = memo.context(tree, "pkg.mod", None), FileContext(tree, "pkg.mod", None)
    assert list(fast.imports.items()) == list(slow.imports.items())
    assert {k: v for k, v in vars(fast).items() if k != "tree"} == {k: v for k, v in vars(slow).items() if k != "tree"}


SOURCE = '''
import re


def helper(n=0):
    return n > 1


def caller(items=None):
    ok = helper()
    return ok


class Box:
    def __init__(self, size=3):
        self.size = size
        self.label = str(size)

    def area(self, scale=1.5):
        return self.size * scale
'''


def _predictions(a):
    return {r.slot.key: (r.slot.line, r.slot.character, r.prediction) for r in a.results}


@pytest.fixture
def calls(monkeypatch) -> list:
    """The keys of the slots inferred afresh (static evidence computed), in order."""
    from pulsedev.models.types import analysis

    seen = []
    real = analysis.evidence_for
    monkeypatch.setattr(analysis, "evidence_for", lambda slot, ctx: seen.append(slot.key) or real(slot, ctx))
    return seen


def test_only_changed_units_are_reinferred_and_dependants_follow_their_callees(calls):
    memo = DocumentMemo()
    analyze(SOURCE, "m", memo=memo)
    edited = SOURCE.replace("scale=1.5", "scale=2")  # one method of the class
    fresh = _predictions(analyze(edited, "m"))
    calls.clear()
    assert _predictions(analyze(edited, "m", memo=memo)) == fresh
    assert calls and all(k[1] == "Box.area" for k in calls)  # one method: not the rest of its class
    edited_init = edited.replace("self.label = str(size)", "self.label = size")
    fresh_init = _predictions(analyze(edited_init, "m"))
    calls.clear()
    assert _predictions(analyze(edited_init, "m", memo=memo)) == fresh_init
    assert {k[1] for k in calls} == {"Box.__init__", "Box.area"}  # __init__ says what self.x are
    analyze(edited, "m", memo=memo)
    edited2 = "\n\n" + edited.replace("return n > 1", "return str(n)")  # lines move; helper's return changes
    fresh = _predictions(analyze(edited2, "m"))
    calls.clear()
    assert _predictions(analyze(edited2, "m", memo=memo)) == fresh
    assert ("return", "caller", "return") in calls  # the caller depends on the helper
    assert not any(k[1].startswith("Box") for k in calls)


def _evidence(a):
    return {r.slot.key: (r.slot.line, r.prediction, r.features) for r in a.results}


def test_callers_are_not_reinferred_when_an_edit_keeps_what_they_see_of_a_def(calls):
    memo = DocumentMemo()
    analyze(SOURCE, "m", memo=memo)
    same_return = SOURCE.replace("    return n > 1", "    m = n\n    return n > 1")
    fresh = _evidence(analyze(same_return, "m"))
    calls.clear()
    assert _evidence(analyze(same_return, "m", memo=memo)) == fresh
    assert {k[1] for k in calls} == {"helper"}  # `caller` sees only helper's signature and `bool`
    same_attrs = same_return.replace("self.size = size", "self.size = size\n        unused = 2")
    fresh = _evidence(analyze(same_attrs, "m"))
    calls.clear()
    assert _evidence(analyze(same_attrs, "m", memo=memo)) == fresh
    assert {k[1] for k in calls} == {"Box.__init__"}  # the `self.x` types `area` sees are the same
    for line, reinferred in (("    kind = 'box'\n", set()), ("    depth: int = 0\n", {"Box.__init__", "Box.area"})):
        edited = same_attrs.replace("class Box:\n", "class Box:\n" + line)
        fresh = _evidence(analyze(edited, "m"))
        calls.clear()
        assert _evidence(analyze(edited, "m", memo=memo)) == fresh
        assert {k[1] for k in calls} == reinferred  # a class attribute `x: int` types `self.x`; `x = 0` does not


FILLED = '''
class Bag:
    def __init__(self):
        self.items = []
        self.size = 0

    def add(self, n=1):
        self.items.append(n)
'''


def test_self_attribute_filled_in_another_method_follows_that_method():
    memo = DocumentMemo()
    before = _evidence(analyze(FILLED, "m", memo=memo))
    assert "v:st=list[int]" in before[("variable", "Bag.__init__", "self.items")][2]
    edited = FILLED.replace("self.items.append(n)", 'self.items.append("a")')
    after = _evidence(analyze(edited, "m", memo=memo))
    assert after == _evidence(analyze(edited, "m"))
    assert "v:st=list[str]" in after[("variable", "Bag.__init__", "self.items")][2]


def test_incremental_analysis_equals_a_fresh_one_across_random_edits():
    rng = random.Random(11)
    checked = 0
    for text in (inspect.getsource(textwrap), SOURCE + FILLED):
        memo = DocumentMemo()
        analyze(text, "m", memo=memo)
        for step, new in _versions(text, rng, 30):
            lines = (0, 40) if step % 4 == 0 else None  # a visible range now and then, as editors ask
            assert _evidence(analyze(new, "m", memo=memo, lines=lines)) == _evidence(analyze(new, "m", lines=lines))
            checked += 1
    assert checked > 25


SHAPES = '''
DEFAULT = 5.0


class Keep:
    pass


KEEP = Keep()


class Shape:
    size: int

    def __init__(self, size, name=None):
        self.size = size
        self.name = name if name is not None else "shape"

    def area(self):
        raise NotImplementedError

    @property
    def width(self):
        return self.size * 2

    @width.setter
    def width(self, value):
        self.size = value


    def grow(self, by: int):
        self.size += by


class Square(Shape):
    def area(self):
        return float(self.size) ** 2

    def grow(self, by):
        self.size += by * 2


class Circle(Shape):
    def area(self):
        return self.compute()


def scale(shape, factor=DEFAULT, mode=KEEP):
    return shape.size * factor


def resize(shape, amount):
    return scale(shape, factor=amount)
'''


def test_incremental_analysis_with_an_index_equals_a_fresh_one_across_random_edits():
    """Constants, sentinels, declared fields, setters, overrides, families, parameters passed on and members:
    what other units and the index's saved copy give follows the edits as a fresh analysis sees them."""
    from pulsedev.models.types.index import WorkspaceIndex

    index = WorkspaceIndex(None)
    index.update("m", ast.parse(SHAPES))
    first = _evidence(analyze(SHAPES, "m", index))
    assert "r:st=float" in first[("return", "Shape.area", "return")][2]  # what Square.area returns
    assert "p:st=int" in first[("parameter", "Shape.width@2", "value")][2]  # what the property gives
    assert "p:st=float" in first[("parameter", "scale", "factor")][2]  # DEFAULT
    assert "p:sentinel=Keep" in first[("parameter", "scale", "mode")][2]  # KEEP
    assert "p:st=int" in first[("parameter", "Shape.__init__", "size")][2]  # the declared field
    assert "p:rule=family" in first[("parameter", "Square.grow", "by")][2]  # as Shape.grow takes it
    assert "r:st=float" in first[("return", "Circle.area", "return")][2]  # as Square.area returns
    assert "p:st=float" in first[("parameter", "resize", "amount")][2]  # passed on to scale's factor
    memo, checked = DocumentMemo(), 0
    analyze(SHAPES, "m", index, memo=memo)
    for _, new in _versions(SHAPES, random.Random(7), 60):
        assert _evidence(analyze(new, "m", index, memo=memo)) == _evidence(analyze(new, "m", index))
        checked += 1
    assert checked > 25


def test_engine_hints_stay_equal_to_a_fresh_engine_across_edits(tmp_path):
    on, _ = parse_options({"thresholds": {"typeHintConfidence": 0.5}})
    warm = TypeEngine(tmp_path, tmp_path / "data", train=False)
    warm.start(wait=True)
    uri = (tmp_path / "m.py").as_uri()
    text = SOURCE
    rng = random.Random(3)
    for step in range(12):
        text = text.replace("\n\n", "\n" + " " * (step % 3) + "\n", 1) if step % 2 else _edit(text, rng)
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        cold = TypeEngine(tmp_path, tmp_path / "data", train=False)
        cold.start(wait=True)
        visible = {"start": {"line": 8, "character": 0}, "end": {"line": 14, "character": 0}}
        whole = cold.hints(uri, text, options=on)
        assert warm.hints(uri, text, options=on, range_=visible) == [
            h for h in whole if 8 <= h["position"]["line"] <= 14]
        assert warm.hints(uri, text, options=on) == whole


def test_indexing_gives_way_to_a_running_analysis(tmp_path):
    import threading
    import time

    from pulsedev.models.types.index import WorkspaceIndex

    for i in range(5):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}(n=0):\n    return n\n")
    pauses = []
    index = WorkspaceIndex(tmp_path)
    index.build(pause=lambda: pauses.append(1))
    assert len(pauses) == 5 and len(index.trees) == 5
    gate = Gate()
    with gate.busy():  # as while a hint request is being answered
        waited = threading.Thread(target=gate.pause)
        t0 = time.perf_counter()
        waited.start()
        time.sleep(0.1)
        assert waited.is_alive()
    waited.join(1)
    assert not waited.is_alive() and time.perf_counter() - t0 < 0.45


def test_a_ready_engine_keeps_what_it_holds_out_of_full_collections(tmp_path):
    import gc

    (tmp_path / "m.py").write_text(SOURCE)
    gc.unfreeze()
    try:
        TypeEngine(tmp_path, tmp_path / "data", train=False).start(wait=True)
        assert gc.get_freeze_count() > 0  # the index's trees no longer slow every full collection
    finally:
        gc.unfreeze()



TWICE = "x = compute()\n\n\ndef f(a=1):\n    return a\n\n\nx = other()\n\n\ndef f(b=''):\n    return b\n"


def test_reused_slots_keep_their_keys_when_an_earlier_definition_goes():
    memo = DocumentMemo()
    before = _evidence(analyze(TWICE, "m", memo=memo))
    assert ("parameter", "f@2", "b") in before and list(before).count(("variable", "<module>", "x")) == 1
    for edited in (TWICE.replace("def f(a=1):\n    return a\n", ""),  # the later f is `f` now
                   TWICE.replace("x = compute()\n", ""),  # the later x is the first assignment now
                   TWICE.replace("x = compute()", "y = compute()").replace("def f(a=1)", "def g(a=1)"),
                   TWICE):
        got = _evidence(analyze(edited, "m", memo=memo))
        assert got == _evidence(analyze(edited, "m"))
    assert ("parameter", "f", "b") in _evidence(analyze(TWICE.replace("def f(a=1):\n    return a\n", ""), "m",
                                                        memo=memo))


def test_a_caller_follows_its_callee_when_the_callee_stops_raising():
    src = "def fail():\n    raise ValueError\n\ndef stop():\n    fail()\n"
    memo = DocumentMemo()
    before = _evidence(analyze(src, "m", memo=memo))
    assert "r:rule=raises_call" in before[("return", "stop", "return")][2]
    edited = src.replace("    raise ValueError\n", "    return compute()\n")  # what fail returns stays unknown
    after = _evidence(analyze(edited, "m", memo=memo))
    assert after == _evidence(analyze(edited, "m"))
    assert "r:rule=noreturn" in after[("return", "stop", "return")][2]
