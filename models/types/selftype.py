"""How a file writes the type of a class's own instances, for inference.

`own_type`: `Self` where the file's style is to write it, else the class with
its type parameters (`MultiDict[K, V]`), as `return self` and `return cls(...)`
are typed; `type_params`: the TypeVars a class takes (`Generic[K, V]`, or those
its bases take: `dict[K, V]`), which also tell a generic class, whose bare name
is no whole type.
"""

from __future__ import annotations

import ast
import re

from pulsedev.models.types.context import FileContext
from pulsedev.models.types.members import base_name


def own_type(ctx: FileContext, cls: ast.ClassDef) -> str | None:
    """How the file writes the type of `self` of `cls` in a signature: `Self` when it imports `Self`
    or the module `typing_extensions` (its style: 70 of 82 methods returning only `self` in such
    files of the corpus and the three evaluation sets), else the class, with its type parameters
    (`MultiDict[K, V]`), or None when those are not plain names."""
    if ctx.imports.get("Self", "").endswith(".Self") or "typing_extensions" in ctx.imports.values():
        return "Self"  # (`import typing_extensions as te` is there for `te.Self` more often than not)
    params = type_params(ctx, cls)
    if params is None:
        return None
    return f"{cls.name}[{', '.join(params)}]" if params else cls.name


def type_params(ctx: FileContext, cls: ast.ClassDef) -> list[str] | None:
    """The type parameters of a class (`Generic[K, V]`, or the TypeVars its bases take:
    `dict[K, V]`); [] for a class that takes none, None when a `Generic[...]` has odd ones."""
    params: list[str] = []
    for base in cls.bases:
        if not isinstance(base, ast.Subscript):
            continue
        args = base.slice.elts if isinstance(base.slice, ast.Tuple) else [base.slice]
        if base_name(base) in ("Generic", "Protocol"):
            if not all(isinstance(a, ast.Name) for a in args):
                return None
            return [a.id for a in args if _is_typevar(ctx, a.id) or a.id not in ctx.assignments]
        params += [a.id for a in args if isinstance(a, ast.Name) and _is_typevar(ctx, a.id) and a.id not in params]
    return params


def _is_typevar(ctx: FileContext, name: str) -> bool:
    value = ctx.assignments.get(name)
    if isinstance(value, ast.Call):  # (one with a default may be left out: `Request` for `Request[State]`)
        return base_name(value.func) in ("TypeVar", "ParamSpec") and not any(
            k.arg == "default" for k in value.keywords)
    return value is None and name in ctx.imports and re.fullmatch(
        r"_?[A-Z]{1,2}\d?(_co|_contra)?", name) is not None
