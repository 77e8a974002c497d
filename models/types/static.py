"""Static evidence: per slot, the type that follows from the code and the rule that found it.

Built on infer.py.  Returns: dunder conventions, no return value, the union of
what is returned, `Iterator[X]` of what a generator yields (a
`Generator[None, None, None]` if it yields nothing), `None` for a `pass` body
that is no abstract method; stubs give nothing, and defs that always raise or
end calling a function of the file that does give `NoReturn` for the model to
weigh.
Parameters: params.py (the default's type, a type the name names, what the
calls pass).  Variables: the assigned value's type, or what the rest of the
scope puts in an empty collection or a `None` (assigned.py).  Each `Evidence`
carries the rule and the words for the tooltip ("default is 0", "no return
value", "returns only str"); the model decides how far each rule is to be
trusted (see model.py).
"""

from __future__ import annotations

import ast

from pulsedev.models.types import docstrings
from pulsedev.models.types.assigned import assigned_later, filled_later, joined
from pulsedev.models.types.callsites import decorated
from pulsedev.models.types.evidence import Evidence, rule_kind
from pulsedev.models.types.exits import ends_raising, returns_of
from pulsedev.models.types.family import family_differs, family_return
from pulsedev.models.types.guards import Guards
from pulsedev.models.types.infer import (  # noqa: F401 - re-exported for callers of the rules
    Env,
    FileContext,
    _union,
    empty_kind,
    infer,
    resolve_relative,
)
from pulsedev.models.types.members import (
    base_name,
    common_base,
    is_stub_body,
    override_return,
)
from pulsedev.models.types.names import TYPING_MODULES, class_for_name
from pulsedev.models.types.overrides import base_return
from pulsedev.models.types.params import parameter_evidence
from pulsedev.models.types.scope import function_env
from pulsedev.models.types.selftype import own_type
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union, without_none

DUNDER_RETURNS = {"__init__": "None", "__str__": "str", "__repr__": "str", "__len__": "int", "__hash__": "int",
                  "__bool__": "bool", "__contains__": "bool", "__format__": "str", "__setitem__": "None",
                  "__delitem__": "None", "__setattr__": "None", "__delattr__": "None", "__post_init__": "None",
                  "__init_subclass__": "None", "__set_name__": "None", "__del__": "None", "__index__": "int",
                  "__int__": "int", "__float__": "float", "__bytes__": "bytes", "__sizeof__": "int",
                  "__fspath__": "str", "__length_hint__": "int", "__instancecheck__": "bool",
                  "__subclasscheck__": "bool"}


def infer_return(func, ctx: FileContext, cls: ast.ClassDef | None = None, deep: bool = True) -> Evidence:
    """Static evidence for a def's return type (`deep=False`: not from its family's)."""
    rets, yields = returns_of(func)
    raises = ends_raising(func.body)  # (`always_raises` when there is no return and no yield)
    if func.name in DUNDER_RETURNS and (rets or raises or not ends_raising(func.body, ctx, cls)):  # (`__setitem__` of
        t = DUNDER_RETURNS[func.name]  # an immutable mapping calls a function that raises: it never returns)
        return Evidence(t, "dunder", f"`{func.name}` returns {t}")
    if yields:
        return _generator(func, yields, ctx, cls)
    if is_stub_body(func):
        doc = _doc_return(func, ctx, "stub")
        found = override_return(ctx, cls, func.name) if doc.type is None and cls is not None else None
        if found is not None:
            t, n = found
            return Evidence(t, "ret_overrides", f"its override{'s' if n > 1 else ''} in {n} subclass"
                                                f"{'es' if n > 1 else ''} return{'' if n > 1 else 's'} {t}")
        if doc.type is None and _does_nothing(func, cls):
            return Evidence("None", "noreturn_pass", "does nothing")
        return doc
    valued = [r for r in rets if r.value is not None and not (isinstance(r.value, ast.Constant)
                                                              and r.value.value is None)]
    if not valued:
        if not rets and raises:  # (no yield: a generator returned above)
            return Evidence("NoReturn", "raises", "always raises")
        if not rets and ends_raising(func.body, ctx, cls):
            return Evidence("NoReturn", "raises_call", "always ends in a call that raises")
        if isinstance(func, ast.AsyncFunctionDef):
            return Evidence("None", "noreturn_async", "no return value")
        return Evidence("None", "noreturn", "no return value")
    if cls is not None and len(valued) == len(rets) and func.name not in ("__iter__", "__aiter__") and all(
            isinstance(r.value, ast.Name) and r.value.id == "self" for r in rets):
        t = own_type(ctx, cls)
        return Evidence(t, "ret_self_styled" if t == "Self" else "ret_self", "returns `self`" if t else "")
    # `return cls(...)`: alike
    if cls is not None and len(valued) == len(rets) and decorated(func, "classmethod") and all(
            isinstance(r.value, ast.Call) and isinstance(r.value.func, ast.Name) and r.value.func.id == "cls"
            for r in rets):  # (38 of 53 such say Self in files importing it, 82 of 95 the class in others)
        t = own_type(ctx, cls)
        return Evidence(t, "ret_cls_styled" if t == "Self" else "ret_cls", "returns `cls(...)`" if t else "")
    env = function_env(func, ctx, cls)
    guards = Guards(func)
    types = common_base(ctx, [_returned(r, env, ctx, guards) for r in rets])
    t = _union(types)
    if t is None or (t == "None" and all(isinstance(r.value, ast.Attribute) for r in valued)):
        # (an attribute known only as None, as a `self._x` that `__init__` sets to None, says nothing)
        known = [k for k in types if k is not None]
        some = _union(known) if known else None
        if some is None or _only_none(some):
            doc = _doc_return(func, ctx, "unknown")
            kin = family_return(func, cls, ctx) if doc.type is None and deep and cls is not None else None
            if kin is None or kin[2] < kin[3]:  # (fewer members say than say nothing: see family_return)
                based = base_return(func, cls, ctx) if doc.type is None else None
                return doc if based is None else Evidence(based[0], "ret_override_std", f"as `{based[1]}` returns")
            return Evidence(kin[0], "ret_family", f"as `{kin[1]}` returns")
        doc = _doc_return(func, ctx, "unknown")  # (a docstring says more than some of the returns)
        if doc.type is not None:
            return doc
        return Evidence(some, "ret_partial", f"returns {some} at {len(known)} of {len(types)} returns")
    rule = "ret_" + rule_kind(valued[0].value)
    if rule == "ret_call" and _constructs(valued[0].value):
        rule = "ret_new"
    return Evidence(t, rule, f"returns only {t}" if len(valued) > 1 else f"returns {t}")


def _returned(ret: ast.Return, env, ctx: FileContext, guards: Guards) -> str | None:
    """The type a `return` gives; a name a test before it rules out as None, without None
    (`if m is None: return ""` ... `return m`: guards.py)."""
    if ret.value is None:
        return "None"
    t = infer(ret.value, env, ctx)
    if t and t != "None" and isinstance(ret.value, ast.Name) and "None" in split_union(t) and \
            guards.not_none(ret.value):
        return " | ".join(without_none(t))
    return t


def _constructs(call: ast.Call) -> bool:
    """Whether a call makes an object of a class it names (`Response(...)`, `models.Token(...)`):
    what returns one is as often declared as a base or a protocol (408 of 541 such returns were the
    class on seven sets of packages, against 1,167 of 1,301 for other calls)."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    return name[:1].isupper()


def _only_none(t: str) -> bool:
    """Whether a type text says nothing but None (`None`, `tuple[None, None]`): the returns that are
    known are the ones that say least (`return None, None` beside `return a, b`)."""
    return t.replace("tuple[", "").replace("None", "").strip("[], |") == ""


def _does_nothing(func, cls: ast.ClassDef | None) -> bool:
    """A def whose body is `pass` (a docstring aside) and that is no abstract method or protocol
    member: a hook to override, which returns None (80 of 80 such annotated defs in this
    interpreter's site-packages and 23 packages of libraries; `...` bodies and `abstractmethod`s
    there mostly return something)."""
    if not (is_stub_body(func) and isinstance(func.body[-1], ast.Pass)):
        return False
    if any(base_name(d).startswith("abstract") for d in func.decorator_list):  # `abc.abstractmethod`, ...
        return False
    bases = [*cls.bases, *(k.value for k in cls.keywords)] if cls is not None else []
    return not any(base_name(b) in ("Protocol", "ABC", "ABCMeta") for b in bases)


def _generator(func, yields: list[ast.Yield | ast.YieldFrom], ctx: FileContext, cls: ast.ClassDef | None) -> Evidence:
    """A generator (`yields`: from `returns_of`): `Iterator[X]` (`AsyncIterator[X]` if async) when every
    value it yields has a known type, `Generator[None, None, None]` when it yields nothing (a bare
    `yield`); its rule alone when a value's type is not known, or when it delegates (`yield from`)."""
    if any(isinstance(n, ast.YieldFrom) for n in yields):
        return Evidence(None, "generator", "")
    env = function_env(func, ctx, cls)
    t = _union(common_base(ctx, [infer(n.value, env, ctx) if n.value is not None else "None" for n in yields]))
    if t is None:
        return Evidence(None, "generator", "")
    outer = _iterator_style(ctx, isinstance(func, ast.AsyncFunctionDef))
    if t == "None":  # a context manager's body, mostly: a Generator in 20 of 27 such annotated defs of the corpus,
        # unless the file writes Iterators (all 11 such defs in five sets of packages: `Iterator[None]`)
        if not (outer.endswith("Iterator") and outer in _imported_typing(ctx)):
            outer = "AsyncGenerator" if isinstance(func, ast.AsyncFunctionDef) else "Generator"
        return Evidence(_ITERATORS[outer].format("None"), "yields_none", "yields nothing")
    rule = "yields" if outer in ("Iterator", "AsyncIterator") else "yields_styled"
    return Evidence(_ITERATORS[outer].format(t), rule, f"yields {t}")


_ITERATORS = {"Iterator": "Iterator[{}]", "Generator": "Generator[{}, None, None]", "Iterable": "Iterable[{}]",
              "AsyncIterator": "AsyncIterator[{}]", "AsyncGenerator": "AsyncGenerator[{}, None]",
              "AsyncIterable": "AsyncIterable[{}]"}


def _iterator_style(ctx: FileContext, is_async: bool) -> str:
    """How the file writes a generator's type, by what it imports: `Generator` when it imports that,
    else `Iterator`, else `Iterable` when that is all it imports, else `Iterator`.  In the corpus,
    141 of 144 generators in files importing `Generator` (and not `Iterator`) say `Generator`, 290
    of 300 in files importing `Iterator` `Iterator`, and all 67 in files importing only `Iterable`
    `Iterable`."""
    prefix = "Async" if is_async else ""
    have = _imported_typing(ctx)
    for kind in ("Generator", "Iterator", "Iterable"):
        if prefix + kind in have:
            return prefix + kind
    return prefix + "Iterator"


def _imported_typing(ctx: FileContext) -> set[str]:
    """The names the file imports, under their own names, from `typing` or `collections.abc`."""
    return {name for name, origin in ctx.imports.items() if origin.startswith(TYPING_MODULES) and origin.endswith(name)}


def _doc_return(func, ctx: FileContext, rule: str) -> Evidence:
    """What the docstring says a def returns when its body does not tell (`rule`: why not)."""
    t = docstrings.stated(docstrings.return_type(func), ctx)
    return Evidence(t, rule + "_doc", f"the docstring says it returns {t}") if t else Evidence(None, rule, "")


def evidence_for(slot: Slot, ctx: FileContext) -> Evidence:
    """The static evidence for one slot."""
    if slot.kind == "return":
        ev = infer_return(slot.func, ctx, slot.cls)
        other = family_differs(slot.func, slot.cls, ctx, ev.type) if slot.cls is not None and ev.type and \
            ev.rule not in ("ret_family", "ret_overrides") else None
        return ev if other is None else Evidence(ev.type, ev.rule, ev.words + f"; but `{other[1]}` returns {other[0]}",
                                                 "missing", ev.sentinel)
    if slot.kind == "parameter":
        return parameter_evidence(slot, ctx)
    value = slot.node.value
    env = function_env(slot.func, ctx, slot.cls) if slot.func is not None else Env()
    if isinstance(value, ast.List) and not value.elts and env.get(slot.name):
        t = env[slot.name]  # `x = []` then `x.append(...)`
        return Evidence(t, "value_accumulated", f"built by appending {t[5:-1]}")
    if empty_kind(value) is not None and (filled := filled_later(slot, ctx)) is not None:
        return Evidence(filled, "value_accumulated", f"filled with {filled[filled.index('[') + 1:-1]}")
    if (parts := joined(slot, ctx)) is not None:
        return Evidence(parts, "value_joined", f"joined with a {parts[5:-1]}")
    t = infer(value, env, ctx)
    if t == "None" and (later := assigned_later(slot, ctx)) is not None:
        return Evidence(f"{later} | None", "value_none_later", f"None here, later assigned {later}")
    named = class_for_name(ctx, slot.name.removeprefix("self.").lstrip("_")) if t == "None" else None
    if named is not None and named[1] in ("exact", "tail"):  # `_token`, `parent_node`; not `data` -> DataTable
        return Evidence(f"{named[0]} | None", f"value_none_named_{named[1]}",
                        f"None here, named like the class `{named[0]}`")
    if t is None:
        return Evidence(None, "value_" + rule_kind(value), "")
    return Evidence(t, "value_" + rule_kind(value), f"assigned {t}")


def _elements(value: ast.expr) -> bool:
    return bool(value.keys if isinstance(value, ast.Dict) else value.elts)


def is_obvious(value: ast.expr) -> bool:
    """True for assignments whose type a reader sees at once (`x = 0`, `n = "a"`, `p = Path(...)`);
    not `x = None`, a place held for a value of another type."""
    if isinstance(value, ast.Constant) and value.value is None:
        return False
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
    return isinstance(value, (ast.List, ast.Dict, ast.Set, ast.Tuple)) and _elements(value) and all(
        isinstance(e, ast.Constant) for e in ast.walk(value) if isinstance(e, ast.expr) and e is not value)
