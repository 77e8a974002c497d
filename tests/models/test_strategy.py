"""Strategy patterns and hot-function shares."""

from __future__ import annotations

import ast

import pytest

from pulsedev.models.strategy import HotFunctions, StrategyAdvisor, functions, patterns


@pytest.mark.parametrize("src, first", [
    ("def f(xs, ys):\n    for x in xs:\n        for y in ys:\n"
     "            if x.k == y.k:\n                yield x\n", "index"),
    ("import re\ndef f(lines):\n    for s in lines:\n        re.match(r'a+', s)\n", "precompile"),
    ("def f(a, b):\n    return a * b + 1\n", "memoize"),
    ("def f(xs):\n    s = ''\n    for x in xs:\n        s += str(x)\n    return s\n", "join"),
])
def test_patterns(src, first):
    func = next(iter(functions(ast.parse(src)).values()))
    assert patterns(func)[0] == first and patterns(func)[-1] == "profile"


def test_shares_and_thresholds(tmp_path):
    hot = HotFunctions()
    f = str(tmp_path / "m.py")
    hot.add([{"type": "trace", "file": f, "qualname": "A.run", "calls": 100, "time_s": 9.0},
             {"type": "trace", "file": f, "qualname": "tiny", "calls": 100, "time_s": 0.1},
             {"type": "trace", "file": f, "qualname": "rare", "calls": 3, "time_s": 1.0},
             {"type": "trace", "file": f, "qualname": "bad", "calls": "many"}])
    assert set(hot.for_file(f)) == {"A.run"}
    assert hot.for_file(f)["A.run"].share == pytest.approx(9.0 / 10.1)


def test_feedback_changes_the_advice():
    func = ast.parse("def f(xs, ys):\n    for x in xs:\n        if x in ys:\n            pass\n").body[0]
    advisor = StrategyAdvisor()
    hot = HotFunctions()
    hot.add([{"type": "trace", "file": "/m.py", "qualname": "f", "calls": 50, "time_s": 1.0}])
    stats = hot.for_file("/m.py")["f"]
    first = advisor.advise(func, stats)
    assert first["strategy"] == "set-membership"
    for _ in range(5):
        advisor.learn_one(first["strategy"], first["options"], helpful=False)
    assert advisor.advise(func, stats)["strategy"] != "set-membership"
