"""What a def's isinstance checks say of the one type predicted for a parameter.

A def that tests a parameter with `isinstance(value, bytes)` takes more than
the `str` its name suggests: a parameter checked so is seldom annotated with
one plain type (24 of 1,311 such parameters of the corpus say `str`).  When
the model or a static rule predicts one type and the def checks the parameter
against a class that is neither that type nor a subclass of it, the
prediction is trusted half as much.  Only classes whose relation is known are
counted: builtins and the workspace's classes (a `Mapping` check says nothing
of an alias `HeaderTypes`).

A def that first turns a parameter of one class into another (`converted`:
`if isinstance(s, str): s = s.encode()`) takes either: `str | bytes`.  On
seven sets of packages, 15 of 23 parameters so converted were annotated so
(`scripts/eval_static.py`); the model learns how far to trust it.
"""

from __future__ import annotations

import ast
import builtins

from pulsedev.models.types.members import base_name, class_homes
from pulsedev.models.types.tracefit import isinstance_checks, isinstance_test
from pulsedev.models.types.typetext import split_union


def checked_against(predicted: str, slot, ctx) -> str | None:
    """The classes (in words) that the def tests a parameter against and that the one predicted
    type does not cover, or None."""
    if slot.kind != "parameter" or slot.func is None:
        return None
    real = [m for m in split_union(predicted) if m != "None"]
    if len(real) != 1 or real[0] in ("Any", "object"):
        return None
    classes = isinstance_checks(slot.func, ctx).get(slot.name)
    if not classes:
        return None
    head = real[0].split("[", 1)[0]
    others = sorted(c for c in classes if c != head and _known(c, ctx) and not _covers(head, c, ctx))
    return ", ".join(others) or None


def _known(name: str, ctx) -> bool:
    return isinstance(getattr(builtins, name, None), type) or bool(class_homes(ctx, name))


def _covers(base: str, name: str, ctx) -> bool:
    """Whether a value of class `name` is a `base` (a builtin subclass, or a workspace class below it)."""
    b, n = getattr(builtins, base, None), getattr(builtins, name, None)
    if isinstance(b, type) and isinstance(n, type):
        return issubclass(n, b)
    homes = [c for _, c in class_homes(ctx, name)]
    return any(c.name == base or any(base_name(b) == base for b in c.bases) for c in homes) \
        or not _known(base, ctx)


def converted(slot, ctx) -> tuple[str, str, str] | None:
    """(type, checked class, made type) when the def first turns a parameter of one class into
    another: `if isinstance(s, str): s = s.encode()` (or `s = s.encode() if isinstance(s, str) else
    s`) at the top of its body says it takes a `str` or what it makes of one, a `str | bytes`."""
    from pulsedev.models.types.infer import Env, infer
    from pulsedev.models.types.typetext import join_types

    name = slot.name
    if slot.func.name.startswith("__"):
        return None  # (`__eq__` tests what `other` is, to compare it)
    for stmt in slot.func.body:
        test, value = _conversion(stmt, name)
        if test is None:
            continue
        classes = _checked_classes(test, name)
        if not classes or not all(_known(c, ctx) for c in classes):
            return None
        env = Env()
        env[name] = " | ".join(classes)
        made = infer(value, env, ctx)
        if made is None or made in classes or "None" in split_union(made) or made in ("Any", "object") or (
                "[" in made and made.split("[", 1)[1].rstrip("]").split(",")[0].strip() in classes):
            return None  # (`names = [names]` makes one name many: `Iterable[str]`, `Sequence[str]`, ... are all said)
        if made == "bytes" and set(classes) <= {"bytearray", "memoryview"}:
            return None  # (bytes-like, which annotations call `bytes`)
        return join_types([*classes, made]), " | ".join(classes), made
    return None


def _conversion(stmt, name: str):
    """(the isinstance test, the new value) of `if isinstance(name, ...): name = value` or
    `name = value if isinstance(name, ...) else name`; (None, None) for any other statement."""
    if isinstance(stmt, ast.If) and not stmt.orelse and len(stmt.body) == 1:
        inner = stmt.body[0]
        if _assigns(inner, name):
            return stmt.test, inner.value
    if _assigns(stmt, name) and isinstance(stmt.value, ast.IfExp) and isinstance(stmt.value.orelse, ast.Name) \
            and stmt.value.orelse.id == name:
        return stmt.value.test, stmt.value.body
    return None, None


def _assigns(stmt, name: str) -> bool:
    return isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name) \
        and stmt.targets[0].id == name


def _checked_classes(test, name: str) -> list[str]:
    """The classes of `isinstance(name, C)` or `isinstance(name, (C, D))`, by their bare names."""
    found = isinstance_test(test)
    if found is None or found[0] != name:
        return []
    kinds = found[1]
    names = [k.id for k in kinds if isinstance(k, ast.Name)]
    return names if len(names) == len(kinds) else []
