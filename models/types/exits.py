"""How a def exits: its returns and yields, and whether every way through it raises.

`returns_of` lists a def's own return statements and yields (not those of
nested defs); `always_raises` tells a def whose every path ends in `raise`, or
in a call of the file's functions or of its class's methods that always raise
(`self.fail(...)`), which is `-> NoReturn` when annotated.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.callsites import decorated
from pulsedev.models.types.infer import FileContext
from pulsedev.models.types.members import base_name, methods
from pulsedev.models.types.walk import walk_local


def returns_of(func) -> tuple[list[ast.Return], list[ast.Yield | ast.YieldFrom]]:
    """The return statements and the yields of a def, not of nested defs (memoised on the node)."""
    cached = getattr(func, "_pulsedev_returns", None)
    if cached is not None:
        return cached
    rets, yields = [], []
    for stmt in func.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue  # (`walk_local` enters the node it starts from: a nested generator is not this def)
        for n in walk_local(stmt):
            if isinstance(n, ast.Return):
                rets.append(n)
            elif isinstance(n, (ast.Yield, ast.YieldFrom)):
                yields.append(n)
    func._pulsedev_returns = (rets, yields)
    return rets, yields


def always_raises(func, ctx: FileContext | None = None, cls: ast.ClassDef | None = None, depth: int = 3) -> bool:
    """Whether every way through a def ends in `raise`, with no return or yield on the way (`-> NoReturn`
    if annotated): a `raise` last, or an `if` whose branches, or a `try` whose body and handlers, all do
    (given `ctx` and `cls`, also a call that always raises: `ends_raising`)."""
    rets, yields = returns_of(func)
    return not rets and not yields and ends_raising(func.body, ctx, cls, depth)


def ends_raising(body: list[ast.stmt], ctx: FileContext | None = None, cls: ast.ClassDef | None = None,
                  depth: int = 3) -> bool:
    """Whether every way through `body` ends in `raise` (or, given the file's `ctx`, in a call to one of
    its functions, or of `cls`'s methods through `self`, that always raises: `depth` calls deep)."""
    last = body[-1] if body else None
    if isinstance(last, ast.If):
        return ends_raising(last.body, ctx, cls, depth) and ends_raising(last.orelse, ctx, cls, depth)
    if isinstance(last, ast.Try):  # what follows a body that raises (its `else`) never runs
        return ends_raising(last.body, ctx, cls, depth) and all(
            ends_raising(h.body, ctx, cls, depth) for h in last.handlers)
    # (A `with` is not followed: its context manager may swallow what its body raises, as `pytest.raises`,
    # `suppress` and a nursery or cancel scope do: 30 of 32 such defs in five sets return.)
    return isinstance(last, ast.Raise) or (ctx is not None and depth > 0 and _raising_call(last, ctx, cls, depth))


def _raising_call(stmt: ast.stmt | None, ctx: FileContext, cls: ast.ClassDef | None, depth: int) -> bool:
    """Whether a statement calls a function of the file that always raises by its own raises alone
    (`_immutable_error(self)`: what an edit elsewhere in the file can see of it, incremental.py), or a
    method of `cls` that always raises, itself or through methods of its own at most `depth` deep
    (`self.fail("unexpected end")`, a parser's way to raise; calls that go round in a circle end)."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    f = stmt.value.func
    if isinstance(f, ast.Name):
        callee = ctx.functions.get(f.id)
        return callee is not None and always_raises(callee)
    if cls is None or not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self"):
        return False
    found = methods(cls, f.attr)  # (the class is one unit of incremental analysis: its methods change together)
    return len(found) == 1 and not _unimplemented(found[0]) and always_raises(found[0], ctx, cls, depth - 1)


def _unimplemented(func) -> bool:
    """Whether a def is there to be overridden: abstract, or raising NotImplementedError (a base
    class's `release()` that its `__aexit__` calls raises only until a subclass implements it)."""
    return decorated(func, "abstractmethod") or any(
        isinstance(n, ast.Raise) and n.exc is not None and
        base_name(n.exc.func if isinstance(n.exc, ast.Call) else n.exc) == "NotImplementedError"
        for n in ast.walk(func))
