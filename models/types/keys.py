"""What a parameter is from the containers it looks things up in: the key type of a known mapping.

`LEVEL_TO_NAME[level]` with `LEVEL_TO_NAME = {10: "debug", ...}` makes `level`
an `int`, and `del self._events[stream_id]` with `self._events` known as a
`dict[int, ...]` makes `stream_id` one.  A membership test (`name in ALIASES`)
reads a set's, list's or tuple's elements too.  Every such use must agree
(those before the def binds the name again, outside a loop: usage.py); a key
of `Any` or `object` says nothing.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.infer import infer
from pulsedev.models.types.usage import uses_before_rebinding

_KEYED = {"dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict", "Counter"}
_HOLDING = {"set", "frozenset", "list", "tuple", "Sequence", "Set", "AbstractSet", "FrozenSet", "deque"}


def key_type(func: ast.AST, name: str, env, ctx) -> str | None:
    """The one type the containers that the def looks `name` up in key it by, or None."""
    uses = uses_before_rebinding(func, name)
    found = set()
    for node, p, _ in uses or []:
        if isinstance(p, ast.Subscript) and p.slice is node:
            container, keyed_only = p.value, True
        elif isinstance(p, ast.Compare) and len(p.ops) == 1 and isinstance(p.ops[0], (ast.In, ast.NotIn)) \
                and p.left is node:
            container, keyed_only = p.comparators[0], False
        else:
            continue
        t = _key_of(infer(container, env, ctx), keyed_only)
        if t is None:
            return None
        found.add(t)
    t = found.pop() if len(found) == 1 else None
    return t if t not in ("Any", "object") else None


def _key_of(t: str | None, keyed_only: bool) -> str | None:
    """The key type of a mapping's type text (`dict[int, str]` -> `int`), or, for a membership test,
    the element type of a set, list or tuple of one type; None otherwise."""
    try:
        node = ast.parse(t, mode="eval").body if t else None
    except SyntaxError:
        return None
    if not isinstance(node, ast.Subscript):
        return None
    head = ast.unparse(node.value).rpartition(".")[2]
    args = [ast.unparse(a) for a in (node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice])]
    if head in _KEYED and len(args) == 2:
        return args[0]
    if not keyed_only and head in _HOLDING and (len(args) == 1 or (len(args) == 2 and args[1] == "...")):
        return args[0]
    return None
