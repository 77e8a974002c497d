"""A property's setter: its value is what the property gives (`@size.setter def size(self, value)`), unless
the setter makes it into that (`self._tags = SortedSet(tags)`: it takes what makes one)."""

from __future__ import annotations

import ast

from pulsedev.models.types.slots import Slot


def setter_of(slot: Slot) -> str | None:
    """The property whose setter takes the parameter (`@size.setter def size(self, value)`), if any and
    the setter stores the value as it is or as a builtin converts it."""
    func = slot.func
    if slot.cls is None or [*func.args.posonlyargs, *func.args.args][1:2] != [slot.node]:
        return None
    for d in func.decorator_list:
        if isinstance(d, ast.Attribute) and d.attr == "setter" and isinstance(d.value, ast.Name) \
                and d.value.id == func.name:
            return None if _made_from(func, slot.name) else func.name
    return None


_SCALARS = {"int", "float", "str", "bytes", "bool"}


def _made_from(func, name: str) -> bool:
    """Whether the def stores something made from the parameter (`self._tags = SortedSet(tags)`):
    its property then gives what was made, not what the setter takes.  A builtin's conversion
    (`float(value)`) keeps the type the property gives."""
    for stmt in func.body:
        call = stmt.value if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call) else None
        if call is None or (isinstance(call.func, ast.Name) and call.func.id in _SCALARS):
            continue
        if any(isinstance(a, ast.Name) and a.id == name for a in [*call.args, *(k.value for k in call.keywords)]):
            return True
    return False
