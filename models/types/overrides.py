"""What a method overriding a standard-library class's method takes and returns, as its stub says.

`class AccessFormatter(logging.Formatter): def formatMessage(self, record)` is
called as the base's method is, so `record` is the `logging.LogRecord` that
typeshed's `Formatter.formatMessage` takes, and `data_received(self, data)` of
an `asyncio.Protocol` takes `bytes`.  The bases are those of the class and of its
workspace bases; the parameter is found in the stub's def by name, else by
position; overloads must agree.  Types are written as the file can name them
(`ast.AST` after `import ast`, `Name` after `from ast import Name`), or not at
all.  `object` says nothing here: stubs write it where code writes `Any`
(`__eq__`'s `other`), and constructors take what each class chooses.
"""

from __future__ import annotations

import ast

from pulsedev.models.types import stdclasses
from pulsedev.models.types.members import class_homes
from pulsedev.models.types.stdlib import BUILTIN_NAMES
from pulsedev.models.types.stdparams import argument_at
from pulsedev.models.types.typeshed import module_stub

_SKIPPED = {"__init__", "__new__", "__init_subclass__", "__post_init__"}


def base_param(slot, ctx) -> tuple[str, str] | None:
    """(type, "module.Class.method") of a parameter of a method overriding a stdlib class's, or None."""
    func, cls = slot.func, slot.cls
    found = _overridden(ctx, cls, func) if cls is not None and func is not None else None
    if found is None:
        return None
    where, home, defs = found
    params = [*func.args.posonlyargs, *func.args.args]
    position = params.index(slot.node) - 1 if slot.node in params[1:] else None
    spell = stdclasses.speller(ctx.imports)
    types = set()
    for f in defs:
        arg = argument_at(f, None, slot.name, offset=1) or (
            argument_at(f, position, None, offset=1) if position is not None else None)
        types.add(stdclasses.writable(arg.annotation, home, cls.name, spell) if arg else None)
    t = types.pop() if len(types) == 1 else None
    return (t, where) if t not in (None, "object") else None


def base_return(func, cls: ast.ClassDef | None, ctx) -> tuple[str, str] | None:
    """(type, "module.Class.method") a method overriding a stdlib class's returns by its stub, or None
    (`Any` says nothing either: a visitor's `visit_Name` returns what its pass makes)."""
    found = _overridden(ctx, cls, func) if cls is not None else None
    if found is None:
        return None
    where, home, defs = found
    spell = stdclasses.speller(ctx.imports)
    types = {stdclasses.writable(f.returns, home, cls.name, spell) for f in defs}
    t = types.pop() if len(types) == 1 else None
    return (t, where) if t not in (None, "object", "Any") else None


def _overridden(ctx, cls: ast.ClassDef, func) -> tuple[str, str, list[ast.FunctionDef]] | None:
    """("module.Class.method", stub module, defs) of the method of the nearest stdlib base of the
    class, or of its workspace bases, that the def overrides; None for a constructor or a
    staticmethod, which are called otherwise."""
    if func.name in _SKIPPED or any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list):
        return None
    for home_ctx, c in class_homes(ctx, cls.name) or [(ctx, cls)]:
        for base in c.bases:
            dotted = _dotted(home_ctx, base)
            found = stdclasses.method_defs(dotted, func.name) if dotted else None
            if found is not None:
                return f"{dotted}.{func.name}", *found
    return None


def _dotted(ctx, base: ast.expr) -> str | None:
    """The dotted name of a stdlib class a base expression names in its file (`logging.Handler`,
    `NodeTransformer` after `from ast import NodeTransformer`, `dict`), or None."""
    if isinstance(base, ast.Subscript):
        base = base.value
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        origin = ctx.imports.get(base.value.id)
        return f"{origin}.{base.attr}" if origin and module_stub(origin) is not None else None
    if isinstance(base, ast.Name):
        if base.id in ctx.classes or base.id in ctx.imports:
            return ctx.library_class(base.id)
        return f"builtins.{base.id}" if base.id in BUILTIN_NAMES else None
    return None
