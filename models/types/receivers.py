"""What a member reached through an object of unknown type gives, from what the workspace's classes say.

`transport.perform_request(request)`, where nothing says what `transport` is,
is a `Response` when every method `perform_request` of the workspace returns
one (`method_return`); `runner.deadline` is a `float` when every class with a
`deadline` gives it that type (`attribute_type`); and a parameter whose reads
only one class has is that class (`classes_with`, params.py).  A name that
builtin types or the standard library's classes have as well gives nothing:
the object may be one of those (`sock.send(...)`, `result.stdout`).  The
tables are the index's: the methods by name made on demand after each change,
the classes by attribute (`attribute_classes`) with the call sites, in the
background.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.members import own_members
from pulsedev.models.types.slots import is_overload
from pulsedev.models.types.stdlib import PLAIN_NAMES, member_names, method_names
from pulsedev.models.types.typetext import head_names

#: Attributes of builtin types: a method of that name may be called on one of them.
_BUILTIN_ATTRS = frozenset(a for t in (str, bytes, bytearray, int, float, complex, list, dict, set, frozenset,
                                       tuple, object, type, memoryview, range, slice) for a in dir(t))
_MAX_HOMES = 12  # (each home's return is inferred: a name on many classes is read no further)
_NOT_CALLED = ("property", "cached_property", "setter", "getter", "deleter")


def method_return(index, name: str, is_async: bool = False) -> str | None:
    """What `obj.name()` returns for an `obj` of unknown type, when the workspace's classes have
    methods `name` (all `async` for an awaited call, none otherwise) and all return one type
    reachable from anywhere (builtins, typing or workspace classes; not `Self`, which is each one's
    own class).  Nothing for a dunder or a name builtin types or standard-library classes have."""
    if name.startswith("__") or name in _BUILTIN_ATTRS:
        return None
    homes = index.methods_named(name)
    if not homes or name in method_names() or len(homes) > _MAX_HOMES or any(
            isinstance(f, ast.AsyncFunctionDef) != is_async for _, f in homes):
        return None
    types = {index.context(module).function_return(func) for module, func in homes}
    t = types.pop() if len(types) == 1 else None
    return t if t and _reachable(index, t) else None


def attribute_type(index, name: str) -> str | None:
    """The type of `obj.name` for an `obj` of unknown type, when the workspace's classes that have an
    attribute `name` (a declared field, a property, one `__init__` sets) give it one type reachable
    from anywhere (those that say nothing aside), and builtin types and the standard library's
    classes have no member of that name.  One always None says nothing (set to something later)."""
    if name.startswith("__") or name in _BUILTIN_ATTRS or name in member_names():
        return None
    owners = index.having.get(name, ())
    if not owners or len(owners) > _MAX_HOMES:
        return None
    types = {index.member_type(f"{index.classes[c]}.{c}", name, call=False) for c in owners if c in index.classes}
    types.discard(None)
    t = types.pop() if len(types) == 1 else None
    if t in ("None", "object") or (t or "").startswith("object |"):
        return None
    return t if t and _reachable(index, t) else None


def classes_with(index, attributes: set[str]) -> list[str]:
    """The workspace's classes (bare names) whose instances have every one of the attributes, as the
    index last read them with the call sites (none before)."""
    found: set[str] | None = None
    for a in attributes:
        found = set(index.having.get(a, ())) if found is None else found & index.having.get(a, frozenset())
        if not found:
            return []
    return sorted(found or ())


def attribute_classes(index, should_stop, pause) -> dict[str, frozenset[str]]:
    """Per attribute name, the workspace's classes whose instances have it (members.py)."""
    found: dict[str, set[str]] = {}
    for module, tree in list(index.trees.items()):
        pause()
        if should_stop():
            return {}
        ctx = index.context(module)
        for c in tree.body:
            if isinstance(c, ast.ClassDef) and (m := own_members(ctx, c.name)) is not None:
                for a in m.names:
                    found.setdefault(a, set()).add(c.name)
    return {a: frozenset(classes) for a, classes in found.items()}


def methods_by_name(trees: dict[str, ast.Module]) -> dict[str, list]:
    """Method name -> (module, def) of each method a top-level class of the workspace defines;
    properties and overload signatures are not methods one calls."""
    found: dict[str, list] = {}
    for module, tree in trees.items():
        for cls in tree.body:
            if isinstance(cls, ast.ClassDef):
                for f in cls.body:
                    if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and not is_overload(f) and not any(
                            _last_name(d) in _NOT_CALLED for d in f.decorator_list):
                        found.setdefault(f.name, []).append((module, f))
    return found


def _reachable(index, t: str) -> bool:
    """Whether every name in a type text is a builtin, typing's, or a workspace class (not `Self`)."""
    return all((n in PLAIN_NAMES or n in index.classes) and n != "Self" for n in head_names(t))


def _last_name(node: ast.expr) -> str:
    """`functools.cached_property` -> `cached_property`; `name.setter` -> `setter`."""
    node = node.func if isinstance(node, ast.Call) else node
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
