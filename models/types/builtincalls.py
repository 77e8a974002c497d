"""What a call of a builtin function gives (`len(x)` an `int`, `sorted(names)` a `list[str]`,
`iter(rules)` an `Iterator[Rule]`), from the types of its arguments.

>>> import ast
>>> call = ast.parse("sorted(names)", mode="eval").body
>>> (builtin_call("sorted", call, lambda e: None, lambda e: "str"),
...  builtin_call("open", call, lambda e: None, lambda e: None))
('list[str]', None)
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from pulsedev.models.types.known import (
    BOOL_FUNCS,
    INT_FUNCS,
    REBUILT,
    STR_FUNCS,
    iterated,
    mapping_view,
    tuple_parts,
)
from pulsedev.models.types.typetext import join_types

Typeof = Callable[[ast.expr], "str | None"]


def builtin_call(name: str, node: ast.Call, typeof: Typeof, elements: Typeof) -> str | None:
    """The type of `node`, a call of the builtin `name`, or None; `typeof` infers an argument's type,
    `elements` the type of what an iterable argument yields."""
    if name in INT_FUNCS or (name == "int"):
        return "int"
    if name in STR_FUNCS:
        return "str"
    if name in BOOL_FUNCS:
        return "bool"
    if name in ("float", "bytes", "bytearray", "complex"):
        return name
    if name == "round" and node.args:
        return "int" if len(node.args) == 1 else typeof(node.args[0]) if len(node.args) == 2 else None
    if name == "sum" and len(node.args) == 1 and (elt := elements(node.args[0])) in ("int", "float"):
        return elt
    if name == "abs" and node.args:
        return typeof(node.args[0])
    if (name in REBUILT and len(node.args) == 1 and not node.keywords) or (name == "sorted" and node.args):
        elt = elements(node.args[0])
        return (f"tuple[{elt}, ...]" if name == "tuple" else f"{REBUILT[name]}[{elt}]") if elt else None
    if name == "dict" and len(node.args) == 1 and not node.keywords:  # `dict(pairs)`, `dict(zip(keys, values))`
        pairs = mapping_view(typeof(node.args[0]), "items") or elements(node.args[0])
        parts = tuple_parts(pairs)
        return f"dict[{parts[0]}, {parts[1]}]" if parts and len(parts) == 2 else None
    if name == "range":
        return "range"
    if name in ("iter", "reversed") and len(node.args) == 1 and not node.keywords:
        elt = elements(node.args[0])
        return f"Iterator[{elt}]" if elt else None
    if name == "next" and node.args and len(node.args) <= 2:
        elt = iterated(typeof(node.args[0]))
        return join_types([elt, typeof(node.args[1])], 2) if elt and len(node.args) == 2 else elt
    if name in ("max", "min") and node.args and not any(isinstance(a, ast.Starred) for a in node.args):
        return elements(node.args[0]) if len(node.args) == 1 else \
            join_types([typeof(a) for a in node.args], 1)
    return None
