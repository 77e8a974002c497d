"""What a binary operator gives, from the types of its two operands.

Numbers (`int + float` is a `float`, `/` always one), text and lists joined
with `+` or repeated with `*`, and the operators of standard-library classes
as their stubs declare them (`path / "x"` is a `Path`, `now - then` a
`timedelta`, `now - delta` a `datetime`: context.py reads the stub).  Like
`infer`, it never guesses: None when the result does not follow.

>>> import ast
>>> result(ast.Div(), "int", "int", None), result(ast.Add(), None, "str", None), result(ast.Sub(), "int", None, None)
('float', 'str', None)
"""

from __future__ import annotations

import ast

from pulsedev.models.types.known import BUILTIN_TYPES

_NUMBERS = ("bool", "int", "float")
_DUNDERS = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__", ast.Div: "__truediv__",
            ast.FloorDiv: "__floordiv__", ast.Mod: "__mod__", ast.BitOr: "__or__", ast.BitAnd: "__and__"}


def result(op: ast.operator, left: str | None, right: str | None, ctx) -> str | None:
    """The type of `left <op> right` (either may be unknown: None), or None; `ctx` is the file's
    `FileContext`, which knows the standard-library classes it names."""
    if isinstance(op, ast.Add) and (left is None) != (right is None) and (left or right) in ("str", "bytes"):
        return left or right  # `prefix + "x"`: only a str adds to a str
    if left is None or right is None:
        return None
    if left in _NUMBERS and right in _NUMBERS:
        if isinstance(op, ast.Div):
            return "float"
        return "float" if "float" in (left, right) else "int"
    if isinstance(op, ast.Add) and left == right and (left in ("str", "bytes") or left.startswith("list[")):
        return left
    if isinstance(op, ast.Mult) and {left, right} in ({"str", "int"}, {"bytes", "int"}):
        return "str" if "str" in (left, right) else "bytes"
    if left.isidentifier() and left not in BUILTIN_TYPES and type(op) in _DUNDERS and ctx is not None:
        return ctx.operator_type(left, _DUNDERS[type(op)], right)
    return None
