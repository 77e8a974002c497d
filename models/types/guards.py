r"""Whether the tests around a place in a def rule out that a name is None there.

`if match: parse(match)`, `if m is None: return` before `parse(m)`,
`assert m is not None`, and `m and parse(m)` all pass `parse` a value that
is not None, though `m = RE.match(s)` may be None.  Read upward from the
place through its enclosing statements and expressions, up to the def; a
name bound again in between is not looked for (what is tested is taken to be
what is used).

>>> import ast
>>> src = "def f(s):\n    m = R.match(s)\n    if m is None:\n        return\n    g(m)\n    if x:\n        h(x, m)\n"
>>> tree = ast.parse(src)
>>> parents = parent_map(tree)
>>> calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") in ("g", "h")]
>>> [not_none(a.id, a, parents) for c in calls for a in c.args]
[True, True, True]
"""

from __future__ import annotations

import ast

_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def parent_map(root: ast.AST) -> dict[ast.AST, ast.AST]:
    """Each node under `root` -> its parent."""
    return {child: node for node in ast.walk(root) for child in ast.iter_child_nodes(node)}


class Guards:
    """`not_none` for the names of one def (or statement), its parent map made once, when first asked."""

    def __init__(self, root: ast.AST):
        self.root, self.parents = root, None

    def not_none(self, node: ast.Name) -> bool:
        """Whether, where the name `node` is read, a test has ruled out that it is None."""
        if self.parents is None:
            self.parents = parent_map(self.root)
        return not_none(node.id, node, self.parents)


def not_none(name: str, node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether, where `node` runs, a test has ruled out that `name` is None."""
    child = node
    while (p := parents.get(child)) is not None and not isinstance(p, (ast.Lambda, ast.ClassDef)):
        if isinstance(p, (ast.If, ast.While, ast.IfExp)) and child is not p.test:
            inside = child in p.body if isinstance(p.body, list) else child is p.body
            if _tested(p.test, name, inside):
                return True
        elif isinstance(p, ast.BoolOp):
            before = p.values[:p.values.index(child)]
            if any(_tested(v, name, isinstance(p.op, ast.And)) for v in before):
                return True
        for field in ("body", "orelse", "finalbody"):
            seq = getattr(p, field, None)
            if isinstance(seq, list) and child in seq and any(
                    _exits_unless(s, name) for s in seq[:seq.index(child)]):
                return True
        if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef)):
            break
        child = p
    return False


def _exits_unless(stmt: ast.stmt, name: str) -> bool:
    """`if name is None: return` (or raise, continue, break), or `assert name`."""
    if isinstance(stmt, ast.Assert):
        return _tested(stmt.test, name, True)
    return isinstance(stmt, ast.If) and not stmt.orelse and isinstance(stmt.body[-1], _EXITS) and \
        _tested(stmt.test, name, False)


def _tested(test: ast.expr, name: str, passed: bool) -> bool:
    """Whether `test` rules out None for `name` where it is true (`passed`) or where it is false."""
    if isinstance(test, ast.Name):
        return passed and test.id == name
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _tested(test.operand, name, not passed)
    if isinstance(test, ast.BoolOp):  # `a and b` true: both are; `a or b` false: neither is
        if isinstance(test.op, ast.And) == passed:
            return any(_tested(v, name, passed) for v in test.values)
        return False
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and test.left.id == name and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return isinstance(test.ops[0], ast.IsNot if passed else ast.Is)
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
            and test.args and isinstance(test.args[0], ast.Name):
        return passed and test.args[0].id == name
    return False
