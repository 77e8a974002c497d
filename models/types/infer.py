"""Expression type inference over the ast, the engine under the static evidence rules.

Literals, displays, comprehensions and loops, operators (operators.py), builtins
(builtincalls.py), common standard-library calls (known.py), constructors of
classes reachable in the file, members of the modules and classes it names
(dotted.py), returns of functions of the file and of the workspace (through
`WorkspaceIndex`), and names whose types the scope knows (an `Env`, made by
scope.py).  `FileContext` holds what a file defines and imports; `infer` never
guesses: it returns None when the type does not follow from the code.
"""

from __future__ import annotations

import ast

from pulsedev.models.types import narrowing, operators, stdclasses, stdlib
from pulsedev.models.types.awaited import awaited
from pulsedev.models.types.builtincalls import builtin_call
from pulsedev.models.types.context import FileContext, resolve_relative  # noqa: F401 - re-exported
from pulsedev.models.types.dotted import dotted_name, module_class, named_member, names_an_import
from pulsedev.models.types.known import (  # noqa: F401 - FILLS and empty_kind re-exported for the rules
    ANY_RECEIVER_METHODS,
    BUILTIN_TYPES,
    FILLS,
    KNOWN_IMPORTS,
    STDLIB_CALLS,
    container_method,
    element_of,
    empty_kind,
    is_cast,
    iterated,
    mapping_view,
    text_method,
)
from pulsedev.models.types.receivers import attribute_type, method_return
from pulsedev.models.types.selftype import own_type, type_params
from pulsedev.models.types.targets import bind_target
from pulsedev.models.types.typetext import head_names, normalize, without_none
from pulsedev.models.types.typetext import join_types as _union
from pulsedev.models.types.usetypes import TEXT_SHARED, literal_kind


class Env(dict):
    """Known local types of a function: name -> type text (None = conflicting/unknown)."""

    cls: ast.ClassDef | None = None


def infer(node: ast.expr | None, env: Env, ctx: FileContext, depth: int = 0) -> str | None:
    """The type text of an expression, or None when it does not follow from the code."""
    if node is None or depth > 8:
        return None
    d = depth + 1
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None:
            return "None"
        if v is Ellipsis:
            return None
        return type(v).__name__ if type(v).__name__ in ("bool", "int", "float", "str", "bytes", "complex") else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, (ast.List, ast.Set)):
        elt = _union([infer(e, env, ctx, d) for e in node.elts], 2) if node.elts else None
        return f"{'list' if isinstance(node, ast.List) else 'set'}[{elt}]" if elt else None
    if isinstance(node, ast.Dict):
        if not node.keys or None in node.keys:
            return None
        k = _union([infer(e, env, ctx, d) for e in node.keys], 2)
        v = _union([infer(e, env, ctx, d) for e in node.values], 2)
        return f"dict[{k}, {v}]" if k and v else None
    if isinstance(node, ast.Tuple):
        if not node.elts or len(node.elts) > 4:
            return None
        elts = [infer(e, env, ctx, d) for e in node.elts]
        return f"tuple[{', '.join(elts)}]" if all(elts) else None
    if isinstance(node, (ast.ListComp, ast.SetComp)):
        inner = _comp_env(node, env, ctx, d)
        elt = infer(node.elt, inner, ctx, d)
        return f"{'list' if isinstance(node, ast.ListComp) else 'set'}[{elt}]" if elt else None
    if isinstance(node, ast.DictComp):
        inner = _comp_env(node, env, ctx, d)
        k, v = infer(node.key, inner, ctx, d), infer(node.value, inner, ctx, d)
        return f"dict[{k}, {v}]" if k and v else None
    if isinstance(node, ast.Compare):
        return "bool"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return "bool"
        t = infer(node.operand, env, ctx, d)
        return t if t in ("int", "float") else None
    if isinstance(node, ast.BoolOp):
        return narrowing.either(node, lambda e: infer(e, env, ctx, d))
    if isinstance(node, ast.BinOp):
        return _binop(node, env, ctx, d)
    if isinstance(node, ast.IfExp):
        return narrowing.conditional(node, lambda e: infer(e, env, ctx, d))
    if isinstance(node, ast.Name):
        if node.id == "self" and env.cls is not None:
            return env.cls.name
        if node.id in env:
            return env[node.id]
        return constant_type(node.id, ctx, d)
    if isinstance(node, ast.Attribute):
        if node.attr in ("__name__", "__qualname__", "__module__"):
            return "str"  # of a class, a function or a module alike
        if isinstance(node.value, ast.Name) and node.value.id == "self" and env.cls is not None:
            own = ctx.class_attrs(env.cls)
            return own[node.attr] if node.attr in own else ctx.member_type(env.cls.name, node.attr, call=False)
        if isinstance(node.value, ast.Name) and node.value.id not in env and (
                node.value.id in ctx.imports or node.value.id in ctx.classes) and (
                got := named_member(node.value.id, node.attr, ctx)) is not None:
            return got
        recv = infer(node.value, env, ctx, d)
        if recv is None and ctx.index is not None and not names_an_import(node.value, env, ctx):
            return attribute_type(ctx.index, node.attr)  # `runner.deadline`: as every class with a `deadline` says
        return ctx.member_type(recv, node.attr, call=False) if recv and recv.isidentifier() else None
    if isinstance(node, ast.Call):
        return _call(node, env, ctx, d)
    if isinstance(node, ast.Await):
        return awaited(node.value, env, ctx, d)
    if isinstance(node, ast.Subscript):
        return element_of(node, infer(node.value, env, ctx, d))
    return None


def _elements(node: ast.expr, env: Env, ctx: FileContext, d: int = 0) -> str | None:
    """The type of what an iterable expression yields: a generator's element, a container's, a
    mapping's `items()` (`tuple[K, V]`), `keys()` or `values()`, `enumerate` and `zip` of them."""
    if isinstance(node, ast.GeneratorExp):
        return infer(node.elt, _comp_env(node, env, ctx, d), ctx, d)
    if isinstance(node, ast.Call) and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args):
        f, args = node.func, node.args
        if isinstance(f, ast.Attribute) and f.attr in ("items", "keys", "values") and not args:
            return mapping_view(infer(f.value, env, ctx, d + 1), f.attr)
        if isinstance(f, ast.Name) and f.id in ("enumerate", "zip") and f.id not in env and not (
                f.id in ctx.functions or f.id in ctx.classes or f.id in ctx.imports):
            parts = ["int"] * (f.id == "enumerate") + [_elements(a, env, ctx, d + 1) for a in args]
            ok = len(args) == 1 if f.id == "enumerate" else 2 <= len(args) <= 3
            return f"tuple[{', '.join(parts)}]" if ok and all(parts) else None
    return iterated(infer(node, env, ctx, d))


def constant_type(name: str, ctx: FileContext, depth: int = 0) -> str | None:
    """The type of a module-level constant of a builtin type (`DEFAULT_TIMEOUT = 5.0`) or made by a
    module's function (`_WORD = re.compile(...)`), of the file or imported from a workspace module (as
    last saved).  An object of a class there is most often a sentinel (`NO_CHANGE = NoChange()`)
    that stands in for other types: left alone."""
    found = ctx.module_constant(name, imported=depth < 4)
    if found is None:
        return None
    home, value = found
    t = infer(value, Env(), home, depth + 4 if home is ctx else 8)
    if not t or t == "None":
        return None
    if all(n in BUILTIN_TYPES for n in head_names(t)):
        return t
    # what a standard-library function makes is no sentinel (`_WORD = re.compile(...)`: a `Pattern[str]`),
    # written as any file can write it
    f = value.func if isinstance(value, ast.Call) else None
    made = isinstance(f, ast.Attribute) and names_an_import(f.value, Env(), home)
    return t if made and all(n in BUILTIN_TYPES or n in KNOWN_IMPORTS for n in head_names(t)) else None


def _comp_env(node, env: Env, ctx: FileContext, depth: int) -> Env:
    inner = Env(env)
    inner.cls = env.cls
    for gen in node.generators:
        bind_target(gen.target, _elements(gen.iter, inner, ctx, depth), inner)
    return inner


def _binop(node: ast.BinOp, env: Env, ctx: FileContext, d: int) -> str | None:
    left = infer(node.left, env, ctx, d)
    if left == "str" and isinstance(node.op, ast.Mod):
        return "str"
    return operators.result(node.op, left, infer(node.right, env, ctx, d), ctx)


def _is_own_class(f: ast.expr) -> bool:
    """`type(self)` or `self.__class__`."""
    if isinstance(f, ast.Attribute):
        return f.attr == "__class__" and isinstance(f.value, ast.Name) and f.value.id == "self"
    return (isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and f.func.id == "type" and len(f.args) == 1
            and isinstance(f.args[0], ast.Name) and f.args[0].id == "self")


def _call(node: ast.Call, env: Env, ctx: FileContext, d: int) -> str | None:
    f = node.func
    if node.args and is_cast(f, ctx.imports):
        return normalize(node.args[0])  # `cast(T, x)` says it is a T
    if env.cls is not None and _is_own_class(f):  # `type(self)(...)`: whatever class `self` is, one of it
        return own_type(ctx, env.cls)
    if isinstance(f, ast.Name):
        name = f.id
        if name == "cls" and env.cls is not None:
            return env.cls.name
        if name in env:
            return None
        if name in ctx.functions:  # (an `async def` gives a coroutine: unknown)
            func = ctx.functions[name]
            return None if isinstance(func, ast.AsyncFunctionDef) else ctx.function_return(func)
        if name in ctx.classes:
            return name if not _generic(ctx, ctx.classes[name]) else None
        if name in ctx.imports:
            origin = ctx.imports[name]
            if ctx.index is not None:
                ret = ctx.index.function_return(origin)
                if ret is not None:
                    return ret
                home = ctx.index.class_home(origin)
                if home is not None and _generic(*home):
                    return None
            if origin in STDLIB_CALLS:
                return _with_default(STDLIB_CALLS[origin], node, env, ctx, d)
            if ctx.is_class_name(name) and stdclasses.generic(origin):
                return None  # (`Queue()`: a `Queue[...]` of what no call says)
            if ctx.is_class_name(name) or (KNOWN_IMPORTS.get(name) == origin.rpartition(".")[0] and stdclasses.generic(
                    origin) is False):
                return name  # (`timedelta(days=1)`: a standard-library class with a lower-case name)
            return stdlib.function_return(origin, ctx.index)
        return builtin_call(name, node, lambda e: infer(e, env, ctx, d), lambda e: _elements(e, env, ctx, d))
    if isinstance(f, ast.Attribute):
        dotted = dotted_name(f)
        if dotted:
            head = dotted.split(".")[0]
            origin = ctx.imports.get(head)
            full = f"{origin}{dotted[len(head):]}" if origin else dotted
            if head not in env and full in STDLIB_CALLS:
                return _with_default(STDLIB_CALLS[full], node, env, ctx, d)
            module, _, last = full.rpartition(".")
            if head not in env and origin and KNOWN_IMPORTS.get(last) == module and stdclasses.generic(full) is False \
                    and not (ctx.index is not None and ctx.index.defines(full)):
                return last  # `pathlib.Path(...)`
            if head not in env and origin and ctx.index is not None:
                ret = ctx.index.function_return(full)
                if ret is not None:
                    return ret
            if head not in env and origin and (ret := stdlib.function_return(full, ctx.index)) is not None:
                return ret
            if head not in env and origin == module and dotted.count(".") == 1 and (
                    made := module_class(head, module, last, ctx)) is not None:
                return made
        if isinstance(f.value, ast.Name) and f.value.id == "self" and env.cls is not None:
            return ctx.class_member_type(env.cls, f.attr, call=True)  # the class as open: units follow it
        if isinstance(f.value, ast.Name) and f.value.id not in env and ctx.is_class_name(f.value.id) and (
                member := ctx.member_type(f.value.id, f.attr, call=True)) is not None:
            return member  # `Style.parse(...)`: what the class's method returns
        recv = infer(f.value, env, ctx, d)
        if recv and recv.isidentifier() and (member := ctx.member_type(recv, f.attr, call=True)) is not None:
            return member  # a method of a class of the workspace
        if recv and recv.endswith("]") and (member := ctx.generic_method_type(recv, f.attr)) is not None:
            return member  # `_WORD.sub(...)`: what `Pattern[str].sub` returns
        if recv in ("str", "bytes"):
            return text_method(recv, f.attr)
        if recv is not None and not node.keywords and (got := container_method(
                recv, f.attr, [infer(a, env, ctx, d) for a in node.args])) is not None:
            return got
        if recv is None and f.attr in ANY_RECEIVER_METHODS and not (
                isinstance(f.value, ast.Name) and f.value.id in ctx.imports and f.value.id not in env):
            return ANY_RECEIVER_METHODS[f.attr]  # not a module's function: `codecs.decode` may return bytes
        if recv is None and f.attr in TEXT_SHARED and not node.keywords and (kind := literal_kind(
                node.args)) is not None and not names_an_import(f.value, env, ctx):
            return text_method(kind, f.attr)  # `host.rstrip(".")`: only a str takes a str there
        if recv and recv.startswith("dict[") and f.attr in ("keys", "values", "items"):
            return None
        if recv is None and ctx.index is not None and not names_an_import(f.value, env, ctx):
            return method_return(ctx.index, f.attr)  # `transport.perform_request(...)`: as all such methods return
    return None


def _generic(ctx: FileContext, cls: ast.ClassDef) -> bool:
    """Whether a workspace class takes type parameters: its bare name is no whole type
    (`FutureResult(inner)` is a `FutureResult[...]` of what only its signature could say)."""
    return type_params(ctx, cls) != []


def _with_default(t: str | None, node: ast.Call, env: Env, ctx: FileContext, d: int) -> str | None:
    """A lookup's type given its default: `os.getenv(key, "")` is a `str`, not a `str | None`."""
    rest = " | ".join(without_none(t))
    if t and rest != t and len(node.args) == 2 and infer(node.args[1], env, ctx, d) == rest:
        return rest
    return t
