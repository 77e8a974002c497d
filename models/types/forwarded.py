"""A parameter its def passes on, as it is, to a def of the workspace or of the standard library: it takes
that def's parameter's type.

`def get(self, url, timeout): return self.request("GET", url, timeout=timeout)`
with `def request(self, method, url, timeout=5.0)`: `timeout` is a `float`.
The callee is found as call sites find it (`CallSites.callee`: functions,
constructors, `self.m(...)`, methods of receivers of known classes, imported
defs); its parameter's type is its annotation or what a telling rule of its
own says (a default, its callers, what it first converts the parameter from
(`s = want_bytes(s)`: a `str | bytes`), a rule a def's names trust: `TELLING`, or
the defs it passes the parameter on to in turn, up to `params.CHAIN` defs deep),
never what a name guesses there.  A standard-library function's parameter
is what its stub says, when that is writable in the file (stdlib.py), without
None: `os.close(fd)` makes `fd` an `int`.  All the defs it is passed to must agree.
The rule (params.py) is `forwarded` when each callee's parameter is annotated or told by a
default, a use or a conversion (`STRONG`: 135 of 144 right on seven sets of packages), and
`forwarded_weak` when one is known only from its callers, a field, a docstring or a stub
(628 of 918), so the calibrator can tell them apart.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.callsites import CallSites, decorated
from pulsedev.models.types.members import methods
from pulsedev.models.types.scope import SURE, function_env
from pulsedev.models.types.slots import Slot, parameter_slot
from pulsedev.models.types.stdclasses import speller
from pulsedev.models.types.stdparams import function_param, method_param
from pulsedev.models.types.typetext import agreed, normalize, without_none
from pulsedev.models.types.units import per_node
from pulsedev.models.types.walk import walk_local

#: Rules (prefixes) of the callee's parameter trusted here: its default, its callers, or a sure rule.
TELLING = ("default_", "callsite", "converted", "text_use", "int_use", *sorted(SURE))
#: Of those, the rules whose word is as good as an annotation's.
STRONG = ("default_", "converted", "text_use", "int_use")
#: The rules of a parameter that its def passes on to defs that all agree: a chain is followed through them.
CHAINED = ("forwarded", "forwarded_weak")


#: Builtins whose argument may be of several types (and that pass nothing on).
_TYPE_TESTS = {"isinstance", "issubclass", "type", "callable", "hasattr", "getattr", "setattr", "len", "iter"}
#: Builtin receivers whose methods' stubs say what a parameter passed to them is (`text.rindex(sub)`).
_TEXT = ("str", "bytes")


def forwarded_type(slot: Slot, ctx, evidence) -> tuple[str, str, int, bool] | None:
    """(type, callee name, calls passed over, weak) of the parameters that the slot's def passes the
    slot's parameter to, when every one of them is known and they agree; `evidence(slot, ctx)` reads a
    callee's parameter.  `weak`: some callee's parameter is known only from its callers, a field, a
    docstring or a standard-library function's stub (STRONG: 93% right on seven sets of packages, the
    others 70%).  A call whose callee cannot be told (a method of an object of unknown type,
    a library's function the workspace does not have) is passed over and counted; one of the
    builtins that test a type (`isinstance`) is not: a parameter tested so may be of several."""
    uses = _passes(slot.func).get(slot.name)
    if not uses:
        return None
    env = function_env(slot.func, ctx, slot.cls)
    found, over, weak = [], 0, False
    for call, i, keyword in uses:
        target = CallSites.callee(call.func, env, ctx, slot.cls)
        callee = _def(ctx, *target) if target is not None else None
        if callee is not None:
            t, strong = _param_type(callee, i, keyword, evidence)
            weak |= not strong
        elif target is not None and target[1] == "plain":  # a standard-library function: its stub says
            t = _required(function_param(target[0], i, keyword, ctx.index, speller(ctx.imports)))
            weak = True
        else:  # a method of a standard-library object: `path.write_text(text)`
            t = _library_method_param(call.func, i, keyword, env, ctx)
            if t is None and target is None and not (isinstance(call.func, ast.Name) and call.func.id in _TYPE_TESTS):
                over += 1
                continue
        if t is None:
            return None
        found.append((t, callee[2].name if callee is not None else target[0] if target is not None
                      else call.func.attr))
    kin = agreed(found) if found else None
    return (*kin, over, weak) if kin is not None else None


def _library_method_param(func: ast.expr, i: int | None, keyword: str | None, env, ctx) -> str | None:
    """What the method of a standard-library class takes where an argument lands, for a receiver of
    that class (`path.write_text(text)`: a `str`), without None."""
    from pulsedev.models.types.infer import infer

    if not isinstance(func, ast.Attribute):
        return None
    typ = infer(func.value, env, ctx)
    if typ in _TEXT and func.attr != "join":  # (`text.rindex(sub)`; `sep.join(parts)` takes any iterable)
        origin = f"builtins.{typ}"
    else:
        origin = ctx.library_class(typ) if typ and typ.isidentifier() else None
    return _required(method_param(origin, func.attr, i, keyword, typ, speller(ctx.imports))) if origin else None



def _required(t: str | None) -> str | None:
    """A stub's type without None: what a def passes on to `copy.deepcopy(x, memo)` need not be None
    itself (a parameter with a None default gets None back in params.py)."""
    rest = without_none(t)
    return " | ".join(rest) if rest else None


@per_node
def _passes(func) -> dict[str, list[tuple[ast.Call, int | None, str | None]]]:
    """name -> (call, position or None, keyword or None) of each call in `func` that passes the name as
    it is (calls with `*args` left out), found in one walk per def."""
    found: dict[str, list[tuple[ast.Call, int | None, str | None]]] = {}
    for stmt in func.body:
        for node in walk_local(stmt):
            if isinstance(node, ast.Call) and not any(isinstance(a, ast.Starred) for a in node.args):
                for i, a in enumerate(node.args):
                    if isinstance(a, ast.Name):
                        found.setdefault(a.id, []).append((node, i, None))
                for kw in node.keywords:
                    if kw.arg is not None and isinstance(kw.value, ast.Name):
                        found.setdefault(kw.value.id, []).append((node, None, kw.arg))
    return found


def _def(ctx, dotted: str, how: str):
    """(context, class or None, def, how) of a callee's dotted name, or None.  With an index, read as
    last saved (as `members` reads classes): a unit's evidence depends on no other unit's open text."""
    if how not in ("bound", "plain"):
        return None
    home = workspace_def(ctx, dotted, "classes")
    if home is not None:  # a class: its constructor
        return _method(home, "__init__", how)
    owner, _, name = dotted.rpartition(".")
    home = workspace_def(ctx, owner, "classes")
    if home is not None:
        return _method(home, name, how)
    home = workspace_def(ctx, dotted, "functions")
    return (home[0], None, home[1], how) if home is not None else None


def workspace_def(ctx, dotted: str, kind: str):
    """(context, node) of a top-level class or function (`kind`) of the workspace called `dotted`."""
    if ctx.index is not None:
        return ctx.index.top_level_def(dotted, kind)
    module, _, name = dotted.rpartition(".")
    node = getattr(ctx, kind).get(name) if module == ctx.module else None
    return (ctx, node) if node is not None else None


def _method(home, name: str, how: str):
    home_ctx, cls = home
    found = methods(cls, name)
    return (home_ctx, cls, found[0], how) if found else None


def _param_type(callee, i: int | None, keyword: str | None, evidence) -> tuple[str | None, bool]:
    """The callee's parameter's type where the argument lands, and whether a STRONG rule says it."""
    home_ctx, cls, func, how = callee
    a = func.args
    positional = [*a.posonlyargs, *a.args]
    if i is not None:
        i += how == "bound" and not decorated(func, "staticmethod")
        arg = positional[i] if i < len(positional) else None
    else:
        arg = next((x for x in [*a.args, *a.kwonlyargs] if x.arg == keyword), None)
    if arg is None:
        return None, False
    if arg.annotation is not None:
        return normalize(arg.annotation), True
    ev = evidence(parameter_slot(func, cls, arg), home_ctx)
    if not ev.type or not (ev.rule in CHAINED or ev.rule.startswith(TELLING)):
        return None, False
    return ev.type, ev.rule == "forwarded" or ev.rule.startswith(STRONG)
