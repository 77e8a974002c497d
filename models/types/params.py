"""Static evidence for parameters: conventions, defaults, names, docstrings, calls and fields.

Tried in order for a parameter without a telling default: a data-model
convention (`__exit__`'s `exc_tb`), what pytest passes a test or fixture
(fixtures.py: the fixture it names, its parametrized values), what the
standard-library method a method overrides takes (overrides.py: `emit`'s
`record`), a type alias its name names, what the def first turns it from
(checked.py: `if isinstance(s, str): s = s.encode()`), a class its name names
(names.py: `console` -> `Console`, checked against what the def reads of it,
members.py, and against what makes one of it or takes it), what its docstring
states, what the workspace's calls pass (callsites.py), the declared field it
is stored in, what the def puts in it when None, what its family of overrides
says (family.py), what the def it is passed on to takes (forwarded.py), a truth
test, a use as text or as an int (usage.py: `raw.encode()`, `data[:n]`), the
key of a known container it is looked up in (keys.py: `NAMES[level]`), how
its class uses the field it is stored in (fielduse.py: `self.encoding.lower()`), the type the
workspace's classes declare a field of its name with, and the one workspace
class that has all the attributes the def reads of it (duck.py).  With a
default: the default's type, or the docstring's when it admits the default.
The words of each `Evidence` are the tooltip's.
"""

from __future__ import annotations

import ast

from pulsedev.models.types import docstrings
from pulsedev.models.types.assigned import filled_when_none
from pulsedev.models.types.checked import converted
from pulsedev.models.types.defaults import default_evidence
from pulsedev.models.types.duck import duck_class
from pulsedev.models.types.evidence import Evidence
from pulsedev.models.types.family import family_type
from pulsedev.models.types.fielduse import field_use
from pulsedev.models.types.fixtures import injected
from pulsedev.models.types.forwarded import CHAINED, forwarded_type
from pulsedev.models.types.infer import Env, FileContext, _union, infer
from pulsedev.models.types.keys import key_type
from pulsedev.models.types.members import declarations, declared_field, fit
from pulsedev.models.types.names import alias_for_name, type_named
from pulsedev.models.types.overrides import base_param
from pulsedev.models.types.scope import function_env, parameter_default
from pulsedev.models.types.setters import setter_of
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union, without_none
from pulsedev.models.types.usetypes import int_use, only_truth_tested, text_use

_EXIT = ("type[BaseException] | None", "BaseException | None", "TracebackType | None")
#: The data model's parameter conventions (as typeshed writes them): def name -> types of the
#: parameters after self, by position; a `*args`/`**kwargs` parameter is never matched.
#: Only conventions that annotated code follows nearly always (`__eq__`'s `other` is `object` in
#: typeshed but `Any` or the class in much code, so it is left to the model).
DUNDER_PARAMS = {"__exit__": _EXIT, "__aexit__": _EXIT, "__getattr__": ("str",), "__getattribute__": ("str",),
                 "__delattr__": ("str",), "__format__": ("str",), "__reduce_ex__": ("int",)}


#: How many defs deep a parameter passed on is followed: `get(url)` passes it to `request(url)`, which
#: passes it to `send(url: str)`.
CHAIN = 3
#: The forms of a name's match to a class that are right less often than what later rules find
#: (on seven sets of packages, `state` -> `StateInline` was right for 31% of 356 parameters,
#: `options` -> `ConsoleOptions` for 64% of 961, `parent_scope` -> `Scope` for 60% of 115, each less
#: with a None default): tried after them, and taken when they find nothing.
WEAK_NAMES = {f"name_class_{form}{base}{none}" for form in ("prefix", "suffix", "tail") for base in ("", "_base")
              for none in ("", "_none")}


def parameter_evidence(slot: Slot, ctx: FileContext, family: bool = True, onward: int = CHAIN) -> Evidence:
    """The static evidence for a parameter slot; without what its family (`family=False`) or the defs
    it is passed on to (`onward=0`; else how many defs deep to follow it) say of their parameters.
    Memoised on the context: the rules of one def's parameters read each other's (scope.py,
    family.py, forwarded.py)."""
    key = (id(slot.node), family, onward)
    found = ctx._params.get(key)
    if found is None:
        found = _parameter_evidence(slot, ctx, family, onward)
        if not ctx._stating:  # made while a def's names are half known (scope._stated): not kept
            ctx._params[key] = found
    return found


def _parameter_evidence(slot: Slot, ctx: FileContext, family: bool, onward: int) -> Evidence:
    conv = dunder_param(slot)
    if conv is not None:
        return Evidence(conv, "dunder_param", f"`{slot.func.name}` takes {conv} here")
    if slot.node is slot.func.args.kwarg:
        return Evidence("Any", "kwargs_any", "keyword arguments are by convention Any")
    if slot.node is slot.func.args.vararg and slot.func.args.kwarg is not None and not _nested(slot):
        return Evidence("Any", "args_any", "`*args` beside `**kwargs` are by convention Any")
    default = param_default(slot)
    is_none = isinstance(default, ast.Constant) and default.value is None
    if default is None or is_none:
        named = slot.node not in (slot.func.args.vararg, slot.func.args.kwarg)
        given = injected(slot, ctx) if named and default is None else None
        if given is not None:
            return Evidence(*given)
        based = base_param(slot, ctx) if named else None
        if based is not None:  # `emit(self, record)` of a `logging.Handler`
            return _stated(based[0], "override_std", f"`{based[1]}` takes {based[0]}", is_none)
        alias = alias_for_name(ctx, slot.name) if named else None
        if alias is not None:
            t = f"{alias} | None" if is_none else alias
            return Evidence(t, "name_alias" + ("_none" if is_none else ""),
                            f"named like the type `{alias}`" + (", default None" if is_none else ""))
        made = converted(slot, ctx) if named else None
        if made is not None:  # `if isinstance(s, str): s = s.encode()`
            return Evidence(_optional(made[0], is_none), "converted" + ("_none" if is_none else ""),
                            f"turns a {made[1]} into {made[2]} first" + (", default None" if is_none else ""))
        named_type = type_named(slot, ctx) if named else None
        if named_type is not None:
            t, rule, words = named_type
            ev = _fitted(Evidence(f"{t} | None" if is_none else t, rule + ("_none" if is_none else ""),
                                  words + (", default None" if is_none else "")), slot, ctx, onward)
            duck = _duck(slot, ctx, is_none) if ev.fit == "missing" else None
            ev = duck or ev  # (a `node` that reads what only an `Element` has is that, whatever its name says)
            if ev.rule not in WEAK_NAMES or ev.fit == "found":
                return ev
            weak = ev
        else:
            weak = None
        doc = docstrings.stated(docstrings.param_type(slot.func, slot.name), ctx)
        if doc is not None:
            return _fitted(_stated(doc, "doc", f"the docstring says {doc}", is_none), slot, ctx)
        passed = _passed(slot, ctx) if named else None
        if passed is not None and not (is_none and "Any" in split_union(passed.type)):  # (what callers
            # pass as `Any` beside a None default: 5 of 36 such parameters were `Any | None`)
            return _fitted(passed if _optional(passed.type, is_none) == passed.type else Evidence(
                f"{passed.type} | None", passed.rule + "_none", passed.words + ", default None"), slot, ctx)
        stored = declared_field(slot) if named else None
        if stored is not None:
            return Evidence(_optional(stored[1], is_none), "field",
                            f"stored as `self.{stored[0]}`, declared {stored[1]}")
        filled = filled_when_none(slot, ctx) if is_none and named else None
        if filled is not None:
            return Evidence(f"{filled} | None", "none_filled", f"default None, then {filled} when None")
        prop = setter_of(slot)
        got = ctx.member_type(slot.cls.name, prop, call=False) if prop and not is_none else None
        if got is not None and got != "None":
            return Evidence(got, "setter", f"the property `{prop}` gives {got}")
        kin = family_type(slot, ctx, _shallow) if named and family else None
        if kin is not None:
            return Evidence(_optional(kin[0], is_none), "family" + ("_weak" if kin[2] else ""),
                            f"as `{kin[1]}` takes it")
        passed_on = forwarded_type(slot, ctx, _onward(onward)) if named and onward else None
        if passed_on is not None:
            t, callee, over, weak = passed_on
            unknown = f" ({over} more calls unknown)" if over else ""
            return Evidence(_optional(t, is_none), "forwarded" + ("_some" if over else "_weak" if weak else ""),
                            f"passed on to `{callee}`, which takes {t}{unknown}")
        if named and only_truth_tested(slot.func, slot.name):
            return Evidence(_optional("bool", is_none), "truth_tested", "only its truth is tested")
        if named and int_use(slot.func, slot.name):
            return _stated("int", "int_use", "used as an int: a slice bound, `range`'s, or integer arithmetic", is_none)
        text = text_use(slot.func, slot.name) if named else None
        if text is not None:
            return _stated(text, "text_use", "used as " + ("a str" if text == "str" else "bytes"), is_none)
        key = key_type(slot.func, slot.name, function_env(slot.func, ctx, slot.cls), ctx) if named and onward else None
        if key is not None:
            return _stated(key, "key_use", f"looked up in a container keyed by {key}", is_none)
        used = field_use(slot.func, slot.cls, slot.name) if named and slot.cls is not None else None
        if used is not None:
            return _stated(used[0], "field_use", f"stored as `self.{used[2]}`, {used[1]}", is_none)
        declared = _declared_field(slot, ctx) if named else None
        if declared is not None:
            return Evidence(_optional(declared[0], is_none), declared[1],
                            f"a field `{slot.name}` is declared {declared[0]}")
        duck = _duck(slot, ctx, is_none) if named else None
        if duck is not None:
            return duck
        return weak or Evidence(None, "default_none" if is_none else "nodefault", "")
    return default_evidence(slot, ctx, default)


def _nested(slot: Slot) -> bool:
    """Whether the slot's def is defined in another def: a wrapper, whose `*args` and `**kwargs`
    are what the callable it wraps takes (`P.args`: 43% of such `*args` in the training corpus,
    6% elsewhere)."""
    return slot.cls is None and "." in slot.qualname


def _declared_field(slot: Slot, ctx: FileContext) -> tuple[str, str] | None:
    """(type, rule) of the one type the workspace's classes declare a field of the parameter's name
    with, if any: options passed on by name (`case_sensitive=None`, a config TypedDict's
    `case_sensitive: bool`).  The rule says whether the parameter's own class declares it (67 of 73
    right on seven sets of packages) or another (56%)."""
    found = ctx.index.fields.get(slot.name) if ctx.index is not None else None
    if not found or len(found) != 1:
        return None
    t = next(iter(found))
    if slot.cls is not None and slot.name in declarations(slot.cls):
        return t, "field_named_own"
    return t, "field_named"


def _shallow(slot: Slot, ctx: FileContext) -> Evidence:
    return parameter_evidence(slot, ctx, family=False, onward=0)


def _onward(depth: int):
    """How a def's parameter is read where a parameter is passed on to it: as `_shallow` does, or,
    where it is passed on in turn to defs that all agree, as they take it (`depth - 1` defs further)."""
    def read(slot: Slot, ctx: FileContext) -> Evidence:
        further = parameter_evidence(slot, ctx, family=False, onward=depth - 1) if depth > 1 else None
        return further if further is not None and further.rule in CHAINED else _shallow(slot, ctx)
    return read


def _optional(t: str, is_none: bool) -> str:
    """`t | None` for a parameter defaulting to None, unless `t` already admits None."""
    return f"{t} | None" if is_none and "None" not in split_union(t) else t


def _stated(t: str, rule: str, words: str, is_none: bool, fit: str | None = None) -> Evidence:
    """The evidence that a rule gives `t`, for a parameter defaulting to None as `t | None` by the
    rule's `_none` form."""
    return Evidence(_optional(t, is_none), rule + ("_none" if is_none else ""), words, fit)


def dunder_param(slot: Slot) -> str | None:
    """The conventional type of a parameter of a data-model method (`__exit__`'s `exc_tb`), if any."""
    func = slot.func
    types = DUNDER_PARAMS.get(func.name)
    if not types or slot.cls is None:
        return None
    pos = [*func.args.posonlyargs, *func.args.args][1:]  # after self
    if slot.node not in pos or (len(pos) != len(types) and func.name in ("__exit__", "__aexit__")):
        return None
    i = pos.index(slot.node)
    return types[i] if i < len(types) else None


def param_default(slot: Slot) -> ast.expr | None:
    """The default value expression of a parameter slot, if any."""
    return parameter_default(slot.func, slot.node)


def _fitted(ev: Evidence, slot: Slot, ctx: FileContext, onward: int = 0) -> Evidence:
    """The evidence with whether the parameter's use fits its class (members.py), when it names one;
    with `onward`, also whether the defs it is passed on to take that class."""
    named = without_none(ev.type)
    if len(named) != 1 or not named[0].isidentifier():
        return ev
    made = _converted(slot.func, slot.name, named[0], ctx)
    passed_on = forwarded_type(slot, ctx, _shallow) if onward else None
    if made is not None:  # `url = URL(url)`: a URL or what makes one
        other = [t for t in split_union(passed_on[0]) if t != named[0]] if passed_on and not passed_on[2] else []
        if other and "None" not in other:  # what the maker takes: `URL(url)` with `URL.__init__(self, url="")`
            return Evidence(" | ".join([ev.type, *other]), ev.rule, ev.words + f"; or what `{passed_on[1]}` takes",
                            "made")
        return Evidence(ev.type, ev.rule, ev.words + f"; but {made}", "missing")
    if passed_on is not None and not passed_on[2] and named[0] not in split_union(passed_on[0]):
        return Evidence(ev.type, ev.rule,
                        ev.words + f"; but it is passed on to `{passed_on[1]}`, which takes {passed_on[0]}",
                        "missing")
    found = fit(ctx, slot.func, slot.name, named[0])
    if found is None:
        return ev
    how, attrs = found
    words = ev.words + ("; it reads " + ", ".join(f"`{a}`" for a in attrs[:3]) + " of it" if how == "found" else "")
    return Evidence(ev.type, ev.rule, words, how)


def _converted(func: ast.AST, name: str, class_name: str, ctx: FileContext) -> str | None:
    """How `func` makes an object of `class_name` out of parameter `name`, if it does: a parameter made
    into an object of its class is seldom only that.  The parameter is the first argument of
    `class_name(...)` (`url = URL(url)` takes a `URL | str`) or of a call that returns one
    (`parse_url(url)`)."""
    for n in ast.walk(func):
        if not (isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Name) and n.args[0].id == name):
            continue
        if isinstance(n.func, ast.Name) and n.func.id == class_name:
            return f"it is passed to `{class_name}(...)`"
        callee = n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", None)
        if callee is not None and class_name[:1].isupper() and without_none(infer(n, Env(), ctx)) == [class_name]:
            return f"it is passed to `{callee}`, which returns a `{class_name}`"
    return None


def _passed(slot: Slot, ctx: FileContext) -> Evidence | None:
    """What the calls of the slot's def pass to it (callsites.py), when they agree on a type, or their
    union (`callsite_mixed`: 82 of 163 right on seven sets of packages, where one type was 1,697 of
    2,215)."""
    if ctx.calls is None:
        return None
    known, unknown = ctx.calls.types_for(ctx.module, slot.qualname, slot.func, slot.cls, slot.node)
    t = _union(known, 2) if known else None
    if t is None or t == "None":
        return None
    n = len(known)
    shown = " | ".join(without_none(t)) or t
    mixed = "_mixed" if len(set(known)) > 1 else ""  # calls that pass different types: half of them right
    return Evidence(t, "callsite" + ("_some" if unknown else "") + mixed,
                    f"passed {shown} at {n} call{'s' if n != 1 else ''}" + (f" ({unknown} unknown)" if unknown else ""))


def _duck(slot: Slot, ctx: FileContext, is_none: bool) -> Evidence | None:
    """`duck_class` as evidence (a fit by construction), or None."""
    found = duck_class(slot, ctx)
    if found is None:
        return None
    t, reads = found
    return _stated(t, "duck", f"only `{t}` has {', '.join(f'`{a}`' for a in reads)}", is_none, "found")
