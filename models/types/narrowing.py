"""Conditional expressions and `or` chains, typed with what their tests rule out.

`timeout if timeout is not None else 5.0` is a `float`, not a
`float | None`: the branch that reads the tested name only runs when it is
not None.  The same holds for `default if value is None else value`,
`name if name else "x"` and every operand but the last of `a or b`.  Both
functions take `type_of`, the caller's inference for a subexpression, and
join the branches as `infer` joins them (typetext.join_types); like `infer`,
they never guess: None when a branch is unknown.

>>> import ast
>>> types = {"t": "float | None", "d": "float", "n": "str | None"}
>>> type_of = lambda e: types.get(getattr(e, "id", ""), "str" if isinstance(e, ast.Constant) else None)
>>> [conditional(ast.parse(s).body[0].value, type_of) for s in
...  ("t if t is not None else d", "d if t is None else t", "n if n else 'x'", "t if d else d")]
['float', 'float', 'str', 'float | None']
>>> either(ast.parse("n or 'x'").body[0].value, type_of), either(ast.parse("n or d").body[0].value, type_of)
('str', 'str | float')
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from pulsedev.models.types.typetext import join_types, without_none

TypeOf = Callable[[ast.expr], "str | None"]


def conditional(node: ast.IfExp, type_of: TypeOf) -> str | None:
    """The type of `body if test else orelse`, the branch that reads what the test shows is not None
    taken without None (a branch that could only be None then never runs)."""
    branches = [(node.body, type_of(node.body)), (node.orelse, type_of(node.orelse))]
    subject, set_in = _tested(node.test)
    if subject is not None:
        expr, t = branches[set_in]
        if _same(expr, subject) and t is not None:
            rest = without_none(t)
            branches[set_in] = (expr, " | ".join(rest)) if rest else None
    return join_types([b[1] for b in branches if b is not None], 2)


def either(node: ast.BoolOp, type_of: TypeOf) -> str | None:
    """The type of `a or b ...` (every operand but the last only when true, so not None); of
    `a and b ...` only when all operands have the same type."""
    types = [type_of(v) for v in node.values]
    if isinstance(node.op, ast.And):
        return types[0] if types[0] and all(t == types[0] for t in types) else None
    if any(t is None for t in types):
        return None
    kept = [" | ".join(without_none(t)) for t in types[:-1]]
    return join_types([t for t in kept if t] + [types[-1]], 2)


def _tested(test: ast.expr) -> tuple[ast.expr | None, int]:
    """(what the test shows is not None, 0 in the body or 1 in the orelse), or (None, 0)."""
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None and isinstance(test.ops[0], (ast.Is, ast.IsNot)):
        return test.left, 0 if isinstance(test.ops[0], ast.IsNot) else 1
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return test.operand, 1
    if isinstance(test, (ast.Name, ast.Attribute)):
        return test, 0
    return None, 0


def _same(a: ast.expr, b: ast.expr) -> bool:
    """Whether two expressions are the same name or attribute chain (`x`, `self.x`)."""
    return isinstance(a, (ast.Name, ast.Attribute)) and ast.dump(a) == ast.dump(b)
