"""What a parameter is from how its class uses the field it is stored in.

`def __init__(self, encoding): self.encoding = encoding` says nothing of
`encoding` in its own def, but `self.encoding.lower()` in another method of
the class makes it a `str`, `self.items[: self.limit]` makes `limit` an
`int`, and `if self.verbose:` alone a `bool` (usage.py's rules, read over
the class's reads of the field).  Only a field the class assigns nowhere else
(a field set again may hold something else) and read somewhere.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.usetypes import int_of, text_of, truth_only

_Reads = list[tuple[ast.expr, ast.AST, ast.AST | None]]


def stored_field(func: ast.AST, name: str) -> str | None:
    """The field `X` of a statement `self.X = name` in the def's own body, or None."""
    args = [*func.args.posonlyargs, *func.args.args]
    if not args:
        return None
    me = args[0].arg
    for stmt in func.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.value, ast.Name) \
                and stmt.value.id == name:
            t = stmt.targets[0]
            if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == me:
                return t.attr
    return None


def field_use(func: ast.AST, cls: ast.ClassDef, name: str) -> tuple[str, str, str] | None:
    """(type, how it is used, field) when the parameter is stored as a field that the class reads
    only for its truth, as an int or as text; None otherwise."""
    field = stored_field(func, name)
    reads = _reads(cls, field) if field is not None else None
    if not reads:
        return None
    if truth_only(reads):
        return "bool", "only its truth is tested", field
    if int_of(reads):
        return "int", "used as an int", field
    text = text_of(reads)
    if text is not None:
        return text, "used as " + ("a str" if text == "str" else "bytes"), field
    return None


_RECENT: tuple = (None, {})


def _reads(cls: ast.ClassDef, field: str) -> _Reads | None:
    """The reads `self.field` in the class's methods as (node, parent, grandparent), or None when the
    methods assign it more than once in all (`self.field = ...`, `self.field += x`, `del`); `self.field += 1`
    is a read (`_kept`).  One walk
    of the class serves all its fields, kept for the last class asked (its parameters come in turn)."""
    global _RECENT
    if _RECENT[0] is not cls:
        _RECENT = (cls, _walk(cls))
    reads, stores = _RECENT[1].get(field, ([], 0))
    return reads if stores == 1 else None


def _walk(cls: ast.ClassDef) -> dict[str, tuple[_Reads, int]]:
    found: dict[str, tuple[_Reads, int]] = {}
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        args = [*method.args.posonlyargs, *method.args.args]
        if not args:
            continue
        me = args[0].arg
        stack: list[tuple[ast.AST, ast.AST | None, ast.AST | None]] = [(method, None, None)]
        while stack:
            node, p, gp = stack.pop()
            if _kept(node, me):  # `self.count += 1` reads the field as `self.count + 1` does, and keeps its type
                reads, stores = found.get(node.target.attr, ([], 0))
                reads.append((node.target, ast.BinOp(node.target, node.op, node.value), None))
                found[node.target.attr] = (reads, stores)
                continue
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == me:
                reads, stores = found.get(node.attr, ([], 0))
                if isinstance(node.ctx, ast.Load):
                    reads.append((node, p, gp))
                else:
                    stores += 1
                found[node.attr] = (reads, stores)
                continue
            for child in ast.iter_child_nodes(node):
                stack.append((child, node, p))
    return found


def _kept(node: ast.AST, me: str) -> bool:
    """Whether the node is `me.field op= constant`."""
    return isinstance(node, ast.AugAssign) and isinstance(node.value, ast.Constant) \
        and isinstance(node.target, ast.Attribute) and isinstance(node.target.value, ast.Name) \
        and node.target.value.id == me
