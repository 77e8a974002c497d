"""Whether a candidate builtin type is consistent with how the slot's value is used.

A type checker would reject `str` for a parameter on which `.sendall()` is
called, or `int` for one that is iterated.  The model's classes are mostly
builtins, and its likeliest mistake is a builtin for a value that is really
some class, so a candidate whose builtin members cannot support the usage
recorded in the slot's features (`u:meth=…`, `u:attr=…`, `u:iterated`, a
comparison with a number or a string, …) is
dropped before the best class is chosen.  Only builtins are judged: a class
of the code or the library may have any attribute.  And a parameter the code
compares with None (`if x is None`) may be None: a candidate without None is
dropped (in the packages we looked at, 98% of such parameters were annotated
with None or Any).

>>> consistent("str", {"u:meth=startswith": 1.0})
True
>>> consistent("str", {"u:meth=sendall": 1.0})
False
>>> consistent("int | None", {"u:iterated": 1.0})
False
>>> consistent("str", {"u:cmp=int": 1.0}), consistent("str", {"u:cmp=int": 1.0, "u:in_right": 1.0})
(False, True)
>>> consistent("Request", {"u:meth=sendall": 1.0})
True
>>> consistent("Request", {"u:cmp_none": 1.0}), consistent("Request | None", {"u:cmp_none": 1.0})
(False, True)
"""

from __future__ import annotations

import functools

from pulsedev.models.types.typetext import split_union

_BUILTINS = {t.__name__: t for t in (str, bytes, bytearray, int, float, bool, complex, list, dict, set,
                                     frozenset, tuple)}
_NOT_ITERABLE = {"int", "float", "bool", "complex"}
_TEXT = {"str", "bytes", "bytearray"}
#: What a value compared with a literal (`x == 0`, `x < 1.5`, `x != "a"`) cannot be: comparing text with
#: a number (or the reverse) is never true, so code that does it means another type.
_NOT_COMPARED = {"u:cmp=int": _TEXT, "u:cmp=float": _TEXT, "u:cmp=str": _NOT_ITERABLE, "u:cmp=bytes": _NOT_ITERABLE}
_MAY_BE_NONE = {"Any", "object"}
_NEVER = {"u:called", "u:awaited", "u:with"}  # usages no builtin value supports


@functools.cache
def _members(type_text: str) -> tuple[str, ...] | None:
    """The builtin base names of a type's members (None if any member is not a builtin)."""
    out = []
    for member in split_union(type_text):
        if member == "None":
            continue
        base = member.split("[", 1)[0].strip()
        if base not in _BUILTINS:
            return None
        out.append(base)
    return tuple(out) or None


@functools.cache
def _names(base: str) -> frozenset[str]:
    return frozenset(dir(_BUILTINS[base]))


def consistent(type_text: str, feats: dict[str, float]) -> bool:
    """False when no builtin member of `type_text` could support a usage in `feats`, or when the
    value is compared with None and the type has no None."""
    if "u:cmp_none" in feats and type_text not in _MAY_BE_NONE and "None" not in split_union(type_text):
        return False
    members = _members(type_text)
    if members is None:
        return True
    for key in feats:
        if not key.startswith("u:"):
            continue
        if key.startswith(("u:meth=", "u:attr=")):
            name = key.split("=", 1)[1]
            if not any(name in _names(m) for m in members):
                return False
        elif key in _NEVER:
            return False
        elif key in ("u:iterated", "u:subscripted", "u:in_right"):
            if all(m in _NOT_ITERABLE for m in members):
                return False
        elif key in _NOT_COMPARED and "u:in_right" not in feats and all(  # `1 in x`: x holds numbers
                m in _NOT_COMPARED[key] for m in members):
            return False
    return True
