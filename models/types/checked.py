"""What a def's isinstance checks say of the one type predicted for a parameter.

A def that tests a parameter with `isinstance(value, bytes)` takes more than
the `str` its name suggests: a parameter checked so is seldom annotated with
one plain type (24 of 1,311 such parameters of the corpus say `str`).  When
the model or a static rule predicts one type and the def checks the parameter
against a class that is neither that type nor a subclass of it, the
prediction is trusted half as much.  Only classes whose relation is known are
counted: builtins and the workspace's classes (a `Mapping` check says nothing
of an alias `HeaderTypes`).
"""

from __future__ import annotations

import builtins

from pulsedev.models.types.members import base_name, class_homes
from pulsedev.models.types.tracefit import isinstance_checks
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
