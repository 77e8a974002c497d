"""What the rest of a scope puts into a variable: its type when the first value says too little.

`x = None` that later gets only ints is an `int | None`; `x = []`, `{}` or
`set()` filled with `x.append(v)`, `x.add(v)` or `x[k] = v` is a `list[V]`,
`set[V]` or `dict[K, V]`.  The scope of a local is its def; that of
`self.x` is every method of the class.  Nothing is claimed when any value's
type does not follow from the code.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.infer import (
    FILLS,
    FileContext,
    _union,
    empty_kind,
    infer,
)
from pulsedev.models.types.members import common_base
from pulsedev.models.types.scope import filled_type, function_env
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union
from pulsedev.models.types.walk import walk_local


def _defs(slot: Slot) -> list:
    """The defs where a variable lives: its own def, or every method of the class for `self.x`."""
    if slot.name.startswith("self."):
        body = slot.cls.body if slot.cls is not None else []
        return [f for f in body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return [slot.func] if slot.func is not None else []


def reads_class(slot: Slot, ev) -> bool:
    """Whether a slot's evidence `ev` came from every method of its class: `self.x = None` or
    `self.x = []` takes its type from what the other methods assign or put in (`_defs`)."""
    if slot.kind != "variable" or slot.cls is None or not slot.name.startswith("self."):
        return False
    return ev.type == "None" or ev.rule in ("value_none_later", "value_accumulated") or \
        empty_kind(slot.node.value) is not None


def _is(target: ast.expr, name: str) -> bool:
    if name.startswith("self."):
        return (isinstance(target, ast.Attribute) and target.attr == name[5:] and isinstance(target.value, ast.Name)
                and target.value.id == "self")
    return isinstance(target, ast.Name) and target.id == name


def _walk_scope(slot: Slot):
    """(node, def) for every node of the slot's scope (see `_scope`)."""
    for func in _defs(slot):
        for stmt in func.body:
            for node in walk_local(stmt):
                yield node, func


def assigned_later(slot: Slot, ctx: FileContext) -> str | None:
    """For `x = None` or `self.x = None`: the type of every other value assigned to it (in its def,
    or in every method of its class), when all are known and of at most two types."""
    types = []
    for node, func in _walk_scope(slot):
        if isinstance(node, ast.Assign) and node is not slot.node and len(node.targets) == 1 \
                and _is(node.targets[0], slot.name) and not (isinstance(node.value, ast.Constant)
                                                             and node.value.value is None):
            types.append(infer(node.value, function_env(func, ctx, slot.cls), ctx))  # envs are memoised
    t = _union(common_base(ctx, types), 2) if types else None
    return None if t is None or "None" in split_union(t) else t


def filled_later(slot: Slot, ctx: FileContext) -> str | None:
    """For `x = []`, `x = {}` or `x = set()` (or `self.x`): the container of what the code puts in it
    (`x.append(v)`, `x.add(v)`, `x[k] = v`), when every element's type is known."""
    kind = empty_kind(slot.node.value)
    keys, values = [], []
    for node, func in _walk_scope(slot):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FILLS \
                and _is(node.func.value, slot.name):
            i, container = FILLS[node.func.attr]
            if container != kind or len(node.args) <= i:
                return None
            values.append(infer(node.args[i], function_env(func, ctx, slot.cls), ctx))
        elif isinstance(node, ast.Assign) and kind == "dict" and isinstance(node.targets[0], ast.Subscript) \
                and _is(node.targets[0].value, slot.name):
            env = function_env(func, ctx, slot.cls)
            keys.append(infer(node.targets[0].slice, env, ctx))
            values.append(infer(node.value, env, ctx))
    return filled_type(kind, keys, values, ctx)


def set_elsewhere(ctx: FileContext, cls: ast.ClassDef, name: str) -> str | None:
    """The type of `self.name` when methods other than `__init__` set it, all to one known type
    (memoised on the context)."""
    key = (cls.name, name)
    if key in ctx._elsewhere:
        return ctx._elsewhere[key]
    ctx._elsewhere[key] = None  # while it is inferred: `self.a = self.b` and `self.b = self.a`
    types = []
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name != "__init__":
            for node in ast.walk(stmt):
                if isinstance(node, ast.Assign) and any(_is(t, "self." + name) for t in node.targets):
                    types.append(infer(node.value, function_env(stmt, ctx, cls), ctx))
    t = _union(common_base(ctx, types), 2) if types else None
    ctx._elsewhere[key] = t if t != "None" else None
    return ctx._elsewhere[key]


def _is_none_test(test: ast.expr, name: str) -> bool:
    """`name is None`, `not name` or `name == None`."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _is(test.operand, name)
    return (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.Eq))
            and _is(test.left, name) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None)


def _fallback(stmt: ast.stmt, name: str) -> ast.expr | None:
    """What the statement puts in place of a None `name`: `if name is None: name = v`, or an
    assignment (to `name` or elsewhere: `self.name = ...`) of `name or v`, `v if name is None else
    name` or `name if name is not None else v`."""
    if isinstance(stmt, ast.If) and _is_none_test(stmt.test, name) and not stmt.orelse:
        first = stmt.body[0]
        if isinstance(first, ast.Assign) and len(first.targets) == 1 and _is(first.targets[0], name):
            return first.value
        return None
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return None
    v = stmt.value
    if isinstance(v, ast.BoolOp) and isinstance(v.op, ast.Or) and len(v.values) == 2 and _is(v.values[0], name):
        return v.values[1]
    if isinstance(v, ast.IfExp) and _is_none_test(v.test, name) and _is(v.orelse, name):
        return v.body
    if isinstance(v, ast.IfExp) and _is_not_none_test(v.test, name) and _is(v.body, name):
        return v.orelse
    return None


def _is_not_none_test(test: ast.expr, name: str) -> bool:
    """`name is not None`."""
    return (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot)
            and _is(test.left, name) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None)


def _fallback_type(value: ast.expr, env, ctx: FileContext) -> str | None:
    """The type of a fallback; `config.get("key", False)` is taken for its default's type."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "get" \
            and len(value.args) == 2 and isinstance(value.args[1], ast.Constant) and value.args[1].value is not None:
        return type(value.args[1].value).__name__
    return infer(value, env, ctx)


def filled_when_none(slot: Slot, ctx: FileContext) -> str | None:
    """For a parameter that defaults to None: the type the body gives it instead of None, when the
    def begins by doing so (`if timeout is None: timeout = 5.0` makes it a `float | None`)."""
    env = None
    for stmt in slot.func.body[:8]:  # where defaults are filled in: the def's first statements
        value = _fallback(stmt, slot.name)
        if value is None:
            continue
        env = env or function_env(slot.func, ctx, slot.cls)
        t = _fallback_type(value, env, ctx)
        return t if t is not None and t != "None" and "None" not in split_union(t) else None
    return None


def joined(slot: Slot, ctx: FileContext) -> str | None:
    """`list[str]` for an empty list that its def joins with a str (`", ".join(parts)`), `list[bytes]`
    for one joined with bytes: what `join` takes says what the list holds."""
    if slot.func is None or "." in slot.name or empty_kind(slot.node.value) != "list":
        return None
    found = set()
    for node in ast.walk(slot.func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" \
                and len(node.args) == 1 and _is(node.args[0], slot.name):
            found.add(infer(node.func.value, function_env(slot.func, ctx, slot.cls), ctx))
    return f"list[{found.pop()}]" if found in ({"str"}, {"bytes"}) else None

