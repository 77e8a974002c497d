"""Incremental analysis: the reused parse tree, context and per-unit evidence equal a fresh analysis."""

from __future__ import annotations

import ast
import argparse
import inspect
import json.decoder
import random
import textwrap

from pulsedev.models.types.analysis import analyze
from pulsedev.models.types.context import FileContext
from pulsedev.models.types.engine import TypeEngine
from pulsedev.models.types.incremental import DocumentMemo
from pulsedev.models.types.reparse import reparse
from pulsedev.options import parse_options

SNIPPETS = ["", "\n", "    x = 1\n", "def f(a, b=2):\n    return a\n", "  ", "# c\n", "(", ")", '"""', "@dec\n",
            "else:\n", "class A:\n    y = 3\n", "import os\n", "\\\n", "x = [\n", "a = 1; b = 2\n",
            "elif x:\n    pass\n", "    return 3\n", "    def g(self):\n        return 1\n", "        y = 2\n", "    @property\n",
            "    z: int = 3\n", "        if a:\n", "    else:\n        pass\n", "x = 1\n"]


def _edit(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.choice([0, 0, 1, 2, 5]))
    moved = "".join(lines[i:j]).replace("\n", rng.choice(["\n", "\n\n", " \n"]), 1) if rng.random() < 0.5 else ""
    return "".join(lines[:i]) + rng.choice(SNIPPETS) + moved + "".join(lines[j:])


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


def test_only_changed_units_are_reinferred_and_dependants_follow_their_callees(monkeypatch):
    import pulsedev.models.types.analysis as analysis

    calls = []
    real = analysis.evidence_for
    monkeypatch.setattr(analysis, "evidence_for", lambda slot, ctx: calls.append(slot.key) or real(slot, ctx))
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
        assert warm.hints(uri, text, options=on, range_=visible) == [h for h in whole if 8 <= h["position"]["line"] <= 14]
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
    engine = TypeEngine(tmp_path, tmp_path / "data", train=False)
    with engine._count_lock:
        engine._busy += 1  # as while a hint request is being answered
        engine._idle.clear()
    waited = threading.Thread(target=engine._yield_to_requests)
    t0 = time.perf_counter()
    waited.start()
    time.sleep(0.1)
    assert waited.is_alive()
    with engine._count_lock:
        engine._busy -= 1
        engine._idle.set()
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
