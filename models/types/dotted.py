"""Names the file reaches through a module or a class it names, for inference.

The dotted text of a call's target (`dotted_name`: `pathlib.Path`), whether a name is
a module the file imports (`names_an_import`: its functions are not methods),
what `module.Class(...)` makes for a module imported whole (`module_class`), and
what `Class.NAME` or `module.name` is (`named_member`: an enum's member, a
standard-library module's variable).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pulsedev.models.types import stdclasses, stdlib, typeshed
from pulsedev.models.types.context import FileContext
from pulsedev.models.types.typelike import class_like

if TYPE_CHECKING:  # a cycle at run time: infer.py builds on this module
    from pulsedev.models.types.infer import Env


def dotted_name(node: ast.expr) -> str | None:
    """The dotted text of an attribute chain on a name (`os.path.join`), or None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def names_an_import(node: ast.expr, env: Env, ctx: FileContext) -> bool:
    """Whether `node` is a name the file imports (a module, whose functions are not methods)."""
    return isinstance(node, ast.Name) and node.id in ctx.imports and node.id not in env


def module_class(head: str, module: str, name: str, ctx: FileContext) -> str | None:
    """What `head.name(...)` makes, for a module the file imports whole as `head` (not one of the
    workspace's): one of the module's classes, written as the file reaches it.  For the standard
    library, as its stub says (`ssl.SSLContext(...)` and `ssl.create_default_context()` after
    `import ssl` are an `ssl.SSLContext`); for another library, whose code is not read, a name in
    CapWords is taken for a class, as for a name imported from it (`httpx.Response(...)` is an
    `httpx.Response`: `FileContext.is_class_name`); None for anything else."""
    full = f"{module}.{name}"
    if ctx.index is not None and ctx.index.defines(full):
        return None
    if typeshed.module_stub(module) is None:
        return f"{head}.{name}" if class_like(name) else None
    if name in stdlib.module_classes(module) and stdclasses.generic(full) is False:
        return f"{head}.{name}"
    made = stdlib.returned_class(full)
    return f"{head}.{made}" if made is not None else None


def named_member(name: str, attr: str, ctx: FileContext) -> str | None:
    """`Color.RED`, a member of an enum class of the workspace, is a `Color`; `sys.stderr`, a variable
    of a standard-library module, what its stub declares (`TextIO`)."""
    if ctx.is_class_name(name):
        return name if ctx.enum_member(name, attr) else None
    return stdlib.module_variable(f"{ctx.imports[name]}.{attr}", ctx.index)
