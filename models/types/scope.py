"""The known types of a def's names: its parameters and the locals it assigns (an `Env`).

A parameter's type is its annotation, else its default's (not that of a marker a
workspace function makes: `made_by_function`), else what every
call of the def passes (callsites.py), else what a sure rule of params.py
says (its docstring, the field it is stored in, its family; `SURE`).  A local
assigned values of one type keeps it (`url = ""` then `url += …`); one
assigned two types is unknown; an empty list, set or dict takes what the body
puts in it; loop variables take their iterable's element type.  Memoised per
def on the `FileContext`.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.infer import (
    Env,
    FileContext,
    _binop,
    _elements,
    _union,
    infer,
)
from pulsedev.models.types.known import FILLS, empty_kind
from pulsedev.models.types.members import common_base
from pulsedev.models.types.targets import bind_target
from pulsedev.models.types.typetext import normalize
from pulsedev.models.types.walk import walk_local


def function_env(func, ctx: FileContext, cls: ast.ClassDef | None = None, known: dict | None = None) -> Env:
    """Known types of a def's parameters and of its locals assigned with one type (memoised)."""
    key = (id(func), id(cls))
    if known is None and key in ctx._envs:
        return ctx._envs[key]
    env = Env()
    env.cls = cls
    a = func.args
    for i, (arg, default) in enumerate(parameter_defaults(func)):
        if arg.annotation is not None:
            env[arg.arg] = normalize(arg.annotation)
        elif known and arg.arg in known:
            env[arg.arg] = known[arg.arg]
        else:
            t = infer(default, Env(), ctx) if default is not None and not made_by_function(default, ctx) else None
            env[arg.arg] = t if t not in (None, "None") else (
                _passed(func, cls, arg, ctx, default is not None) or _stated(func, cls, arg, i, ctx))
    for extra in (a.vararg, a.kwarg):
        if extra is not None:
            env[extra.arg] = None
    if known is None:
        ctx._envs[key] = env
    _scan_body(func.body, env, ctx)
    return env


def parameter_defaults(func) -> list[tuple[ast.arg, ast.expr | None]]:
    """(parameter, default or None) of a def's named parameters, positional-only ones first.

    >>> f = ast.parse("def f(a, b=1, /, c=2, *, d, e=3): pass").body[0]
    >>> [(p.arg, d.value if d else None) for p, d in parameter_defaults(f)]
    [('a', None), ('b', 1), ('c', 2), ('d', None), ('e', 3)]
    """
    a = func.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    defaults = [None] * (len(a.posonlyargs) + len(a.args) - len(a.defaults)) + list(a.defaults) + list(a.kw_defaults)
    return list(zip(params, defaults))


def parameter_default(func, arg: ast.arg) -> ast.expr | None:
    """The default of one of a def's named parameters (None if it has none, or is `*args`/`**kwargs`).

    >>> f = ast.parse("def f(a, /, b=1, *, c=2): pass").body[0]
    >>> [getattr(parameter_default(f, p), "value", None)
    ...  for p in (f.args.posonlyargs[0], *f.args.args, *f.args.kwonlyargs)]
    [None, 1, 2]
    """
    return next((default for param, default in parameter_defaults(func) if param is arg), None)


#: Parameter rules that say a type as surely as an annotation would (each right 85% or more on the
#: evaluation packages): a def's names take them too.  A use as an int (50 of 51) and the use of the
#: field a parameter is stored in (26 of 26) are; a use as text (260 of 293) is not: taken, it made
#: 44 more names right and 22 wrong.
SURE = {"doc", "doc_none", "doc_default", "field", "none_filled", "family", "dunder_param", "setter",
        "int_use", "int_use_none", "field_use", "field_use_none",
        "parametrize", "fixture", "fixture_inferred", "fixture_builtin"}


def _stated(func, cls: ast.ClassDef | None, arg: ast.arg, i: int, ctx: FileContext) -> str | None:
    """The type a sure rule of params.py gives a parameter (a name's only when the use fits)."""
    from pulsedev.models.types.params import parameter_evidence
    from pulsedev.models.types.slots import is_implicit_first, parameter_slot

    key = id(func)
    if key in ctx._stating or is_implicit_first(func, arg, cls is not None):
        return None
    ctx._stating.add(key)  # the rules may read this def's names (`if p is None: p = ...`)
    try:
        ev = parameter_evidence(parameter_slot(func, cls, arg, i), ctx,
                                onward=0)  # what it is passed on to reads this very env
    finally:
        ctx._stating.discard(key)
    return ev.type if ev.rule in SURE or ev.fit == "found" else None


def made_by_function(default: ast.expr, ctx: FileContext) -> bool:
    """Whether a default is what a function of the workspace returns (`Default(None)`, typer's
    `Option(None, "--name")`): a marker that the function wraps the real default in, typed for
    checkers as the value it wraps.  On three sets of unseen packages, none of 70 such defaults
    had the parameter's type; a class (`Retry()`) or the standard library (`getLogger()`) does."""
    # imported here: both modules read this one's names
    from pulsedev.models.types.callsites import CallSites
    from pulsedev.models.types.forwarded import workspace_def

    target = CallSites.callee(default.func, Env(), ctx, None) if isinstance(default, ast.Call) else None
    return target is not None and target[1] == "plain" and workspace_def(ctx, target[0], "functions") is not None


def _passed(func, cls: ast.ClassDef | None, arg: ast.arg, ctx: FileContext, none_default: bool) -> str | None:
    """The type every call of the def passes for `arg` (callsites.py), if all of them are known."""
    if ctx.calls is None:
        return None
    qualname = f"{cls.name}.{func.name}" if cls is not None else func.name
    known, unknown = ctx.calls.types_for(ctx.module, qualname, func, cls, arg)
    t = _union(known + (["None"] if none_default else []), 2) if known and not unknown else None
    return t if t != "None" else None


def _scan_body(body: list[ast.stmt], env: Env, ctx: FileContext) -> None:
    assigned: set[str] = set()
    # `x = []` then `x.append(v)`: list[type of v]; likewise `x = set()`, `x.add(v)` and `x = {}`, `x[k] = v`
    empties: dict[str, tuple[str, list[str | None], list[str | None]]] = {}
    for stmt in body:
        for node in walk_local(stmt):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FILLS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in empties):
                kind, _, values = empties[node.func.value.id]
                i, container = FILLS[node.func.attr]
                values.append(infer(node.args[i], env, ctx) if container == kind and len(node.args) > i else None)
                continue
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
                    and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id in empties):
                kind, keys, values = empties[node.targets[0].value.id]
                keys.append(infer(node.targets[0].slice, env, ctx) if kind == "dict" else None)
                values.append(infer(node.value, env, ctx))
                continue
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and (kind := empty_kind(node.value)) is not None):
                name = node.targets[0].id
                if name in assigned:
                    empties.pop(name, None)
                else:
                    empties[name] = (kind, [], [])
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, typ = node.targets[0].id, infer(node.value, env, ctx)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name, typ = node.target.id, normalize(node.annotation)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):  # `url += "?" + query`
                name = node.target.id
                typ = _binop(ast.BinOp(ast.Name(name, ast.Load()), node.op, node.value), env, ctx, 1)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                bind_target(node.target, _elements(node.iter, env, ctx), env)
                continue
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                    node.targets[0], (ast.Tuple, ast.List)):
                unpacked = Env()  # `host, port = address` of a `tuple[str, int]`; `a, b = text.split()`
                bind_target(node.targets[0], infer(node.value, env, ctx), unpacked)
                for name, typ in unpacked.items():
                    _assign(env, assigned, empties, name, typ)
                continue
            else:
                for n in _targets(node):
                    env[n] = None
                    assigned.add(n)
                continue
            _assign(env, assigned, empties, name, typ)
    for name, (kind, keys, values) in empties.items():
        filled = filled_type(kind, keys, values, ctx)
        if filled and env.get(name) in (None, kind):
            env[name] = filled


def filled_type(kind: str, keys: list[str | None], values: list[str | None], ctx: FileContext) -> str | None:
    """`list[T]`, `set[T]` or `dict[K, V]` from what was put in an empty collection, when all is known
    (several of the workspace's classes as their common base, `members.common_base`)."""
    elt = _union(common_base(ctx, values), 2) if values else None
    if elt is None:
        return None
    if kind == "dict":
        key = _union(keys, 2)
        return f"dict[{key}, {elt}]" if key is not None else None
    return f"{kind}[{elt}]"


def _assign(env: Env, assigned: set[str], empties: dict, name: str, typ: str | None) -> None:
    """Records an assignment of a name: a second one of another type leaves it unknown."""
    if name in assigned and env.get(name) != typ:
        env[name] = None
        empties.pop(name, None)
    else:
        env[name] = typ
    assigned.add(name)


def _targets(node: ast.AST) -> list[str]:
    """The names a statement binds (not those it only reads: `d[k] = v` binds nothing)."""
    if isinstance(node, ast.Assign):
        tgts = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
        tgts = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        tgts = [i.optional_vars for i in node.items if i.optional_vars is not None]
    else:
        return []
    out: list[str] = []
    while tgts:
        t = tgts.pop()
        if isinstance(t, ast.Name):
            out.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            tgts.extend(t.elts)
        elif isinstance(t, ast.Starred):
            tgts.append(t.value)
    return out
