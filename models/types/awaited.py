"""What awaiting a call gives: the return type of the `async def` it calls.

`await self._read()`, `await fetch(url)` or `await conn.receive()` give what
that async def returns, when it is a def of the file, of `self`'s class, of a
workspace module, or a method of a workspace class the receiver is known to be
(its inferred return, as for a plain def; `infer` gives a call of an async def
no type, since without `await` it is a coroutine).  Anything else is unknown.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pulsedev.models.types.dotted import names_an_import
from pulsedev.models.types.members import methods
from pulsedev.models.types.receivers import method_return

if TYPE_CHECKING:
    from pulsedev.models.types.infer import Env, FileContext


def awaited(call: ast.expr, env: Env, ctx: FileContext, depth: int) -> str | None:
    """The type of `await call`, or None."""
    if not isinstance(call, ast.Call):
        return None
    f = call.func
    if isinstance(f, ast.Name) and f.id not in env:
        if f.id in ctx.functions:
            return _returns(ctx, ctx.functions[f.id])
        origin = ctx.imports.get(f.id)
        found = ctx.index.top_level_def(origin, "functions") if origin and ctx.index is not None else None
        return _returns(*found) if found else None
    if not isinstance(f, ast.Attribute):
        return None
    if isinstance(f.value, ast.Name) and f.value.id == "self" and env.cls is not None:
        return _method(ctx, env.cls, f.attr)
    from pulsedev.models.types.infer import infer

    recv = infer(f.value, env, ctx, depth)
    if recv is None and ctx.index is not None and not names_an_import(f.value, env, ctx):
        return method_return(ctx.index, f.attr, is_async=True)  # as all async methods of that name return
    if not recv or not recv.isidentifier():
        return None
    if recv in ctx.classes:
        return _method(ctx, ctx.classes[recv], f.attr)
    origin = ctx.origin(recv)
    home = ctx.index.class_home(origin) if origin and ctx.index is not None else None
    return _method(*home, f.attr) if home else None


def _method(ctx: FileContext, cls: ast.ClassDef, name: str) -> str | None:
    return _returns(ctx, next((m for m in methods(cls, name) if isinstance(m, ast.AsyncFunctionDef)), None))


def _returns(ctx: FileContext, func) -> str | None:
    return ctx.function_return(func) if isinstance(func, ast.AsyncFunctionDef) else None
