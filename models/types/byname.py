"""The workspace's types by name: what its classes and defs say of a field or a parameter so named.

Per field name, the types the workspace's classes declare it with
(`field_types`: `WorkspaceIndex.fields`); per parameter name, the types its
defs give it, with the annotation or rule that gave each (`parameter_types`:
`WorkspaceIndex.peers`).  Both are made in the background once the call sites
are in (`WorkspaceIndex.build_callsites`).
"""

from __future__ import annotations

import ast

from pulsedev.models.types.members import declarations
from pulsedev.models.types.slots import is_implicit_first, parameter_slot
from pulsedev.models.types.static import evidence_for
from pulsedev.models.types.typetext import normalize


def field_types(index) -> dict[str, frozenset[str]]:
    """Per field name, the types the workspace's classes declare it with (`case_sensitive: bool` in
    a config TypedDict, a dataclass or a model; class-body declarations stay in a stripped copy)."""
    found: dict[str, set[str]] = {}
    for tree in list(index.trees.values()):
        for c in tree.body:
            for name, annotation in declarations(c).items() if isinstance(c, ast.ClassDef) else ():
                t = normalize(annotation)
                if t and not t.startswith("ClassVar"):
                    found.setdefault(name, set()).add(t)
    return {name: frozenset(types) for name, types in found.items()}


def parameter_types(index, should_stop, pause) -> dict[str, frozenset[tuple[str, str]]]:
    """Per parameter name, the types the workspace's defs give it, each with what gave it: an
    annotation (`annotation`), or the rule of its static evidence."""
    found: dict[str, set[tuple[str, str]]] = {}
    for module, tree in list(index.trees.items()):
        pause()
        if should_stop():
            return {}
        ctx = index.context(module)
        defs = [(n, None) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        defs += [(m, c) for c in tree.body if isinstance(c, ast.ClassDef)
                 for m in c.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for func, cls in defs:
            a = func.args
            for i, arg in enumerate([*a.posonlyargs, *a.args, *a.kwonlyargs]):
                if is_implicit_first(func, arg, cls is not None):
                    continue
                try:
                    if arg.annotation is not None:
                        t, rule = normalize(arg.annotation), "annotation"
                    else:
                        ev = evidence_for(parameter_slot(func, cls, arg, i), ctx)
                        t, rule = ev.type, ev.rule
                except RecursionError:
                    continue
                if t:
                    found.setdefault(arg.arg, set()).add((t, rule))
    return {name: frozenset(types) for name, types in found.items()}
