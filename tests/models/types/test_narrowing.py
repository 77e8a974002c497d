"""Conditional expressions and `or` chains narrowed by their tests (narrowing.py), read as evidence."""

from __future__ import annotations

import ast

import pytest

from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for

HEAD = "def f(t: float | None, d: float, n: str | None, flag: bool):\n    "


@pytest.mark.parametrize("expr, expected", [
    ("t if t is not None else d", "float"),
    ("d if t is None else t", "float"),
    ("n if n else 'x'", "str"),
    ("'x' if not n else n", "str"),
    ("n or 'x'", "str"),
    ("n or d", "str | float"),
    ("t if flag else d", "float | None"),  # the test says nothing of t
    ("d if t is not None else t", "float | None"),  # the branch that reads t is the one where it is None
    ("n and 'x'", None),
    ("n or t", None),  # three members: no guess
])
def test_a_branch_that_reads_the_tested_name_drops_none(expr, expected):
    src = HEAD + f"return {expr}\n"
    tree = ast.parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == "return")
    assert evidence_for(slot, FileContext(tree)).type == expected
