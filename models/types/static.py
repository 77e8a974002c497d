"""Static evidence: per slot, the type that follows from the code and the rule that found it.

Built on infer.py.  Returns: dunder conventions, no return value, the union of
what is returned (generators, stubs and defs that only raise give nothing).
Parameters: the default's type, a type the name names (names.py: `console`
-> `Console`), or what the calls pass (callsites.py).  Variables: the
assigned value's type, or what the rest of the scope puts in an empty
collection or a `None` (assigned.py).  Each `Evidence` carries the rule and
the words for the tooltip ("default is 0", "no return value", "returns only
str"); the model decides how far each rule is to be trusted (see model.py).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from pulsedev.models.types import docstrings
from pulsedev.models.types.assigned import (
    assigned_later,
    filled_later,
    filled_when_none,
)
from pulsedev.models.types.infer import (  # noqa: F401 - re-exported for callers of the rules
    Env,
    FileContext,
    _union,
    _walk_local,
    empty_kind,
    infer,
    resolve_relative,
)
from pulsedev.models.types.names import type_named
from pulsedev.models.types.scope import function_env  # noqa: F401 - re-exported for callers of the rules
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union  # noqa: F401

DUNDER_RETURNS = {"__init__": "None", "__str__": "str", "__repr__": "str", "__len__": "int", "__hash__": "int",
                  "__bool__": "bool", "__contains__": "bool", "__format__": "str", "__setitem__": "None",
                  "__delitem__": "None", "__setattr__": "None", "__delattr__": "None", "__post_init__": "None",
                  "__init_subclass__": "None", "__set_name__": "None", "__del__": "None", "__index__": "int",
                  "__int__": "int", "__float__": "float", "__bytes__": "bytes", "__sizeof__": "int",
                  "__fspath__": "str", "__length_hint__": "int", "__instancecheck__": "bool",
                  "__subclasscheck__": "bool"}

_EXIT = ("type[BaseException] | None", "BaseException | None", "TracebackType | None")
#: The data model's parameter conventions (as typeshed writes them): def name -> types of the
#: parameters after self, by position; a `*args`/`**kwargs` parameter is never matched.
#: Only conventions that annotated code follows nearly always (`__eq__`'s `other` is `object` in
#: typeshed but `Any` or the class in much code, so it is left to the model).
DUNDER_PARAMS = {"__exit__": _EXIT, "__aexit__": _EXIT, "__getattr__": ("str",), "__getattribute__": ("str",),
                 "__delattr__": ("str",), "__format__": ("str",), "__reduce_ex__": ("int",)}


@dataclass(frozen=True)
class Evidence:
    """A static candidate for a slot: the type text and the rule that gave it, in words."""

    type: str | None
    rule: str  # short rule id used as a model feature
    words: str  # evidence as shown in the tooltip


NO_EVIDENCE = Evidence(None, "none", "")



def returns_of(func) -> tuple[list[ast.Return], bool]:
    """The return statements of a def (not of nested defs) and whether it yields (memoised on the node)."""
    cached = getattr(func, "_pulsedev_returns", None)
    if cached is not None:
        return cached
    rets, yields = [], False
    for stmt in func.body:
        for n in _walk_local(stmt):
            if isinstance(n, ast.Return):
                rets.append(n)
            elif isinstance(n, (ast.Yield, ast.YieldFrom)):
                yields = True
    func._pulsedev_returns = (rets, yields)
    return rets, yields


def is_stub_body(func) -> bool:
    """True for defs whose body is only a docstring, `...`, `pass` or `raise NotImplementedError`."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return True
    if len(body) == 1:
        s = body[0]
        if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                       and s.value.value is Ellipsis):
            return True
        if isinstance(s, ast.Raise):
            return True
    return False


def infer_return(func, ctx: FileContext, cls: ast.ClassDef | None = None) -> Evidence:
    """Static evidence for a def's return type."""
    if func.name in DUNDER_RETURNS:
        t = DUNDER_RETURNS[func.name]
        return Evidence(t, "dunder", f"`{func.name}` returns {t}")
    rets, yields = returns_of(func)
    if yields:
        return Evidence(None, "generator", "")
    if is_stub_body(func):
        return _doc_return(func, ctx, "stub")
    valued = [r for r in rets if r.value is not None and not (isinstance(r.value, ast.Constant)
                                                              and r.value.value is None)]
    if not valued:
        last = func.body[-1]
        if isinstance(last, ast.Raise) and not rets:
            return Evidence(None, "raises", "")
        if isinstance(func, ast.AsyncFunctionDef):
            return Evidence("None", "noreturn_async", "no return value")
        return Evidence("None", "noreturn", "no return value")
    env = function_env(func, ctx, cls)
    types = [infer(r.value, env, ctx) if r.value is not None else "None" for r in rets]
    t = _union(types)
    if t is None:
        known = [k for k in types if k is not None]
        some = _union(known) if known else None
        if some is None or some == "None":
            return _doc_return(func, ctx, "unknown")
        return Evidence(some, "ret_partial", f"returns {some} at {len(known)} of {len(types)} returns")
    rule = "ret_" + _kind(valued[0].value)
    return Evidence(t, rule, f"returns only {t}" if len(valued) > 1 else f"returns {t}")


def _doc_return(func, ctx: FileContext, rule: str) -> Evidence:
    """What the docstring says a def returns when its body does not tell (`rule`: why not)."""
    t = docstrings.stated(docstrings.return_type(func), ctx)
    return Evidence(t, rule + "_doc", f"the docstring says it returns {t}") if t else Evidence(None, rule, "")


def _kind(node: ast.expr) -> str:
    if isinstance(node, ast.Name) and node.id == "self":
        return "self"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cls":
        return "cls"
    if isinstance(node, ast.Constant):
        return "literal"
    if isinstance(node, ast.Call):
        return "call"
    if isinstance(node, (ast.Compare, ast.UnaryOp, ast.BoolOp)):
        return "logic"
    if isinstance(node, ast.Name):
        return "name"
    return type(node).__name__.lower()


def dunder_param(slot: Slot) -> str | None:
    """The conventional type of a parameter of a data-model method (`__exit__`'s `exc_tb`), if any."""
    func = slot.func
    types = DUNDER_PARAMS.get(func.name)
    if not types or slot.cls is None:
        return None
    pos = [*func.args.posonlyargs, *func.args.args][1:]  # after self
    if slot.node not in pos or len(pos) != len(types) and func.name in ("__exit__", "__aexit__"):
        return None
    i = pos.index(slot.node)
    return types[i] if i < len(types) else None


def param_default(slot: Slot) -> ast.expr | None:
    """The default value expression of a parameter slot, if any."""
    func, arg = slot.func, slot.node
    a = func.args
    pos = [*a.posonlyargs, *a.args]
    if arg in pos:
        i = pos.index(arg) - (len(pos) - len(a.defaults))
        return a.defaults[i] if i >= 0 else None
    if arg in a.kwonlyargs:
        return a.kw_defaults[a.kwonlyargs.index(arg)]
    return None


def default_words(node: ast.expr) -> str:
    """A short source rendering of a default for tooltips."""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - unparse of odd nodes
        return "a default"
    return text if len(text) <= 30 else text[:27] + "..."


def evidence_for(slot: Slot, ctx: FileContext) -> Evidence:
    """The static evidence for one slot."""
    if slot.kind == "return":
        return infer_return(slot.func, ctx, slot.cls)
    if slot.kind == "parameter":
        conv = dunder_param(slot)
        if conv is not None:
            return Evidence(conv, "dunder_param", f"`{slot.func.name}` takes {conv} here")
        if slot.node is slot.func.args.kwarg:
            return Evidence("Any", "kwargs_any", "keyword arguments are by convention Any")
        default = param_default(slot)
        is_none = isinstance(default, ast.Constant) and default.value is None
        if default is None or is_none:
            named = slot.node not in (slot.func.args.vararg, slot.func.args.kwarg)
            alias = ctx.alias_for_name(slot.name) if named else None
            if alias is not None:
                t = f"{alias} | None" if is_none else alias
                return Evidence(t, "name_alias" + ("_none" if is_none else ""),
                                f"named like the type `{alias}`" + (", default None" if is_none else ""))
            named_type = type_named(slot, ctx) if named else None
            if named_type is not None:
                t, rule, words = named_type
                return Evidence(f"{t} | None" if is_none else t, rule + ("_none" if is_none else ""),
                                words + (", default None" if is_none else ""))
            doc = _doc_param(slot, ctx)
            if doc is not None:
                t = f"{doc} | None" if is_none and "None" not in split_union(doc) else doc
                return Evidence(t, "doc" + ("_none" if is_none else ""), f"the docstring says {doc}")
            passed = _passed(slot, ctx) if named else None
            if passed is not None:
                return passed if not is_none or "None" in split_union(passed.type) else \
                    Evidence(f"{passed.type} | None", passed.rule + "_none", passed.words + ", default None")
            filled = filled_when_none(slot, ctx) if is_none and named else None
            if filled is not None:
                return Evidence(f"{filled} | None", "none_filled", f"default None, then {filled} when None")
            return Evidence(None, "default_none" if is_none else "nodefault", "")
        literal = isinstance(default, ast.Constant) and type(default.value) in (str, int, float)
        alias = ctx.alias_for_name(slot.name) if literal else None
        if alias is not None:  # `style: StyleType = "none"`: the alias admits the literal default
            return Evidence(alias, "name_alias_default", f"named like the type `{alias}`")
        t = infer(default, Env(), ctx)
        if t is None or t == "None":
            return Evidence(None, "default_" + _kind(default), "")
        doc = _doc_param(slot, ctx)
        if doc is not None and doc != t and _admits(doc, t, ctx):
            return Evidence(doc, "doc_default", f"the docstring says {doc}, default is {default_words(default)}")
        return Evidence(t, "default_" + _kind(default), f"default is {default_words(default)}")
    value = slot.node.value
    env = function_env(slot.func, ctx, slot.cls) if slot.func is not None else Env()
    if isinstance(value, ast.List) and not value.elts and env.get(slot.name):
        t = env[slot.name]  # `x = []` then `x.append(...)`
        return Evidence(t, "value_accumulated", f"built by appending {t[5:-1]}")
    if empty_kind(value) is not None and (filled := filled_later(slot, ctx)) is not None:
        return Evidence(filled, "value_accumulated", f"filled with {filled[filled.index('[') + 1:-1]}")
    t = infer(value, env, ctx)
    if t == "None" and (later := assigned_later(slot, ctx)) is not None:
        return Evidence(f"{later} | None", "value_none_later", f"None here, later assigned {later}")
    if t is None:
        return Evidence(None, "value_" + _kind(value), "")
    return Evidence(t, "value_" + _kind(value), f"assigned {t}")


def _doc_param(slot: Slot, ctx: FileContext) -> str | None:
    """The type the docstring states for a parameter, when the file can see every name in it."""
    return docstrings.stated(docstrings.param_type(slot.func, slot.name), ctx)


def _admits(doc: str, default: str, ctx: FileContext) -> bool:
    """Whether a docstring's type takes the default's: a member of it (`str | Style` takes "none"),
    a float for an int, or a type alias for a str (`JustifyMethod` takes "left")."""
    members = split_union(doc)
    if default in members or default == "int" and "float" in members:
        return True
    if default != "str" or len(members) != 1 or doc in ctx.classes:
        return False
    origin = ctx.imports.get(doc)
    if origin is not None:
        return ctx.index is None or not ctx.index.is_class(origin)
    return doc in ctx.assignments


def _passed(slot: Slot, ctx: FileContext) -> Evidence | None:
    """What the calls of the slot's def pass to it (callsites.py), when they agree on a type."""
    if ctx.calls is None:
        return None
    known, unknown = ctx.calls.types_for(ctx.module, slot.qualname, slot.func, slot.cls, slot.node)
    t = _union(known, 2) if known else None
    if t is None or t == "None":
        return None
    n = len(known)
    shown = " | ".join(m for m in split_union(t) if m != "None") or t
    return Evidence(t, "callsite" + ("_some" if unknown else ""),
                    f"passed {shown} at {n} call{'s' if n != 1 else ''}" + (f" ({unknown} unknown)" if unknown else ""))


def _elements(value: ast.expr) -> bool:
    return bool(value.keys if isinstance(value, ast.Dict) else value.elts)


def is_obvious(value: ast.expr, ctx: FileContext) -> bool:
    """True for assignments whose type a reader sees at once (`x = 0`, `n = "a"`, `p = Path(...)`)."""
    if isinstance(value, (ast.Constant, ast.JoinedStr)):
        return True
    if isinstance(value, ast.UnaryOp) and isinstance(value.operand, ast.Constant):
        return True
    if isinstance(value, ast.Call):
        f = value.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
        if name in ("str", "int", "float", "bool", "bytes", "list", "dict", "set", "tuple", "frozenset"):
            return True
        if name[:1].isupper():
            return True
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.Tuple)) and _elements(value) and all(
            isinstance(e, ast.Constant) for e in ast.walk(value) if isinstance(e, ast.expr) and e is not value):
        return True
    return False
