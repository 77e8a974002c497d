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
    _walk_local,
    empty_kind,
    infer,
)
from pulsedev.models.types.scope import filled_type, function_env
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union


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
            for node in _walk_local(stmt):
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
    t = _union(types, 2) if types else None
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
    return filled_type(kind, keys, values)
