"""How far a traced type stands for the annotation: what in the code says the annotation is wider.

Tests show the types a function was called with, a lower bound of what its
annotation allows.  The code itself often says more: a parameter checked with
`isinstance` against another class, compared with `None` or defaulting to
None, an operand of `__eq__`/`__add__` (conventionally `object`), a method
that returns `self` (annotated `Self` or a base), a runtime class whose base
is abstract or that only stands inside a container or union for a base.
`doubts` turns these into a corrected type (`T | None` when the code handles
None that the tests never passed) and a confidence penalty with the reasons
in words, for `combine.from_trace`.
"""

from __future__ import annotations

import ast
import re

from pulsedev.models.types.scope import parameter_default
from pulsedev.models.types.typetext import head_names, split_union

# Special methods whose operands are conventionally annotated wider than what tests pass (`other: object`).
WIDE_OPERANDS = {f"__{n}__" for n in (
    "eq", "ne", "lt", "le", "gt", "ge", "add", "radd", "iadd", "sub", "rsub", "isub", "mul", "rmul", "imul",
    "truediv", "rtruediv", "floordiv", "rfloordiv", "mod", "rmod", "pow", "rpow", "and", "rand", "iand",
    "or", "ror", "ior", "xor", "rxor", "ixor", "lshift", "rshift", "contains", "getitem", "setitem", "delitem")}
_ROOTS = {"object", "Exception", "BaseException", "ABC", "Generic", "Protocol", "NamedTuple", "TypedDict", "Enum"}
_OBJECT = re.compile(r"\bobject\b")


def _name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def _own_nodes(func):
    """The nodes of a def's body, not of nested defs or classes."""
    stack = list(func.body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def isinstance_classes(func) -> dict[str, set[str]]:
    """Name -> the classes a def tests it against with isinstance (`isinstance(x, (A, B))`), in one walk."""
    found: dict[str, set[str]] = {}
    for node in _own_nodes(func):
        if (test := isinstance_test(node)) is not None:
            found.setdefault(test[0], set()).update({_name(c) for c in test[1]} - {""})
    return found


def isinstance_test(node: ast.AST) -> tuple[str, list[ast.expr]] | None:
    """(the name tested, the class expressions) of `isinstance(name, C)` or `isinstance(name, (C, D))`."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
            and len(node.args) == 2 and isinstance(node.args[0], ast.Name)):
        spec = node.args[1]
        return node.args[0].id, spec.elts if isinstance(spec, ast.Tuple) else [spec]
    return None


def isinstance_checks(func, ctx) -> dict[str, set[str]]:
    """`isinstance_classes` of a def of the file `ctx`, read once per def (memoised on the context)."""
    found = ctx.isinstance_checks.get(id(func))
    if found is None:
        found = ctx.isinstance_checks[id(func)] = isinstance_classes(func)
    return found


def _compared_with_none(func, name: str) -> bool:
    """Whether a def compares a parameter with None (`is`, `is not`, `==`, `!=`)."""
    for node in _own_nodes(func):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq))
                                                 for op in node.ops):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Name) and s.id == name for s in sides) and any(
                    isinstance(s, ast.Constant) and s.value is None for s in sides):
                return True
    return False


def _parameter(func, pos: int | None, keyword: str | None, offset: int) -> str | None:
    """The name of the parameter of `func` that receives positional `pos` (after `offset` implicit) or `keyword`."""
    a = func.args
    positional = [*a.posonlyargs, *a.args][offset:]
    if keyword is not None:
        return keyword if any(p.arg == keyword for p in [*positional, *a.kwonlyargs]) else None
    if pos is not None and pos < len(positional):
        return positional[pos].arg
    return None


def _callee(call: ast.Call, func, cls, ctx, index):
    """(def, implicit leading parameters, its file context) of a call to workspace code, or None."""
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "self" and cls is not None:
        target = next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                       and n.name == f.attr), None)
        return (target, 1, ctx) if target is not None else None
    if not isinstance(f, ast.Name):
        return None
    where, name = ctx, f.id
    if name not in ctx.functions and name not in ctx.classes:
        origin = ctx.imports.get(name)
        found = index._split(origin) if index is not None and origin else None
        if not found or "." in found[1]:
            return None
        where, name = index.context(found[0]) if found[0] in index.trees else None, found[1]
        if where is None:
            return None
    if name in where.functions:
        return where.functions[name], 0, where
    init = next((n for n in where.classes[name].body if isinstance(n, ast.FunctionDef) and n.name == "__init__"),
                None) if name in where.classes else None
    return (init, 1, where) if init is not None else None


def _forwarded(func, name: str, cls, ctx, index, depth: int = 0, seen=None) -> tuple[str, set[str]] | None:
    """(callee, classes) when the parameter is passed on to workspace code that checks it with isinstance."""
    seen = seen if seen is not None else set()
    if depth >= 3 or id(func) in seen:
        return None
    seen.add(id(func))
    for node in _own_nodes(func):
        if not isinstance(node, ast.Call):
            continue
        pos = next((i for i, a in enumerate(node.args) if isinstance(a, ast.Name) and a.id == name), None)
        kw = next((k.arg for k in node.keywords if isinstance(k.value, ast.Name) and k.value.id == name), None)
        if pos is None and kw is None:
            continue
        target = _callee(node, func, cls, ctx, index)
        if target is None:
            continue
        callee, offset, where = target
        param = _parameter(callee, pos if kw is None else None, kw, offset)
        if param is None:
            continue
        classes = isinstance_checks(callee, where).get(param)
        if classes:
            return callee.name, classes
        owner = where.classes.get(_name(node.func)) if isinstance(node.func, ast.Name) else cls
        deeper = _forwarded(callee, param, owner, where, index, depth + 1, seen)
        if deeper:
            return deeper
    return None


def _returns_self(func) -> bool:
    rets = [n for n in _own_nodes(func) if isinstance(n, ast.Return)]
    return bool(rets) and all(isinstance(r.value, ast.Name) and r.value.id == "self" for r in rets)


def _class(name: str, ctx, index) -> ast.ClassDef | None:
    cls = ctx.classes.get(name)
    if cls is None and index is not None and name in index.classes:
        tree = index.trees.get(index.classes[name])
        cls = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None) if tree else None
    return cls


def _abstract(cls: ast.ClassDef) -> bool:
    """A class meant to be subclassed: ABC/Protocol base, ABCMeta, or an @abstractmethod."""
    if any(_name(b) in ("ABC", "Protocol") for b in cls.bases) or any(
            k.arg == "metaclass" and _name(k.value) == "ABCMeta" for k in cls.keywords):
        return True
    return any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
        _name(d) in ("abstractmethod", "abstractproperty") for d in n.decorator_list) for n in cls.body)


def subclass_kind(name: str, ctx, index) -> str | None:
    """None, "subclass" (a workspace class with a real base), or "abstract" (its base is abstract)."""
    cls = _class(name, ctx, index)
    if cls is None:
        return None
    bases = [_name(b) for b in cls.bases]
    if not any(b and b not in _ROOTS for b in bases):
        return None
    for b in bases:
        base = _class(b, ctx, index) if b and b not in _ROOTS else None
        if base is not None and _abstract(base):
            return "abstract"
    return "subclass"


def doubts(observed: str, slot, ctx, index=None) -> tuple[str, float, list[str]]:
    """(the type to show, a confidence penalty, reasons in words) for a traced parameter or return."""
    t, penalty, why = observed, 0.0, []
    func = slot.func
    members = split_union(observed)
    if slot.kind == "parameter" and func is not None:
        classes, none_check = isinstance_checks(func, ctx).get(slot.name), _compared_with_none(func, slot.name)
        real = [m for m in members if m != "None"]
        if classes and len(real) == 1:
            penalty += 0.25
            why.append(f"the code also checks it with isinstance ({', '.join(sorted(classes))})")
        elif len(real) == 1:
            passed = _forwarded(func, slot.name, slot.cls, ctx, index)
            if passed:
                penalty += 0.25
                why.append(f"it is passed on to `{passed[0]}`, which checks it with isinstance "
                           f"({', '.join(sorted(passed[1]))})")
        if slot.node in (func.args.vararg, func.args.kwarg):
            penalty += 0.2
            why.append("`*args`/`**kwargs` usually take many types")
        default = parameter_default(func, slot.node)
        default_none = isinstance(default, ast.Constant) and default.value is None
        if "None" not in members and (default_none or none_check):
            t = f"{observed} | None"
            penalty += 0.03
            why.append("tests never passed None, but " + ("it defaults to None" if default_none
                                                          else "the code checks it against None"))
        if func.name in WIDE_OPERANDS:
            penalty += 0.25
            why.append(f"operands of `{func.name}` are usually annotated wider")
    elif slot.kind == "return" and func is not None and _returns_self(func):
        prop = any(_name(d) in ("property", "cached_property") for d in func.decorator_list)
        if prop or slot.cls is None or observed != slot.cls.name:  # a fluent method returns its own class
            penalty += 0.25
            why.append("it returns `self` " + ("as a property (a view of it as another type)" if prop
                                               else "(often annotated `Self` or the defining class)"))
    elif slot.kind == "return" and func is not None and func.name in ("__getitem__", "__getattr__"):
        penalty += 0.2
        why.append(f"what `{func.name}` returns depends on the key (an int or a slice, a name)")
    if _OBJECT.search(t):
        penalty += 0.3
        why.append("`object` stands for values of mixed types")
    kinds = {n: subclass_kind(n, ctx, index) for n in head_names(t)}
    subs = [n for n, k in kinds.items() if k]
    if subs:
        bare = t.removesuffix(" | None") in subs
        penalty += 0.15 if bare else 0.25
        if any(kinds[n] == "abstract" for n in subs):
            penalty += 0.15
        why.append(f"{', '.join(subs)} may stand for a base class")
    return t, penalty, why


#: Runtime types no class of the workspace stands for (a subclass of one is named by its own class;
#: not `dict`, which a TypedDict's values are).
_BUILTINS = {"str", "bytes", "bytearray", "int", "float", "complex", "bool", "list", "tuple", "set"}


def contradicted(predicted: str, seen: set[str], ctx, index=None) -> str | None:
    """What the tests passed to a parameter that a class predicted for it (by its name, its callers,
    the model) cannot be, in words (`a str`, `a function`), or None.  Only a plain class of the
    workspace is checked, not a Protocol; the tracer names each value's own class, so a `str` seen
    is no object of that class."""
    members = [m for m in split_union(predicted) if m != "None"]
    cls = _class(members[0], ctx, index) if len(members) == 1 and members[0].isidentifier() else None
    if cls is None or any(_name(b) == "Protocol" for b in cls.bases):
        return None
    for t in sorted(seen):
        head = t.split("[", 1)[0]
        if head in _BUILTINS:
            return f"a {head}"
        if head == "collections.abc.Callable" and not any(
                isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "__call__" for n in cls.body):
            return "a function"
    return None
