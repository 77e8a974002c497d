"""Runtime values to type descriptors, and descriptors to PEP 585/604 text.

Part of the stdlib-only tracer (see `pulsedev_trace` for the record format).
`describe(value)` turns one runtime value into a small hashable descriptor,
looking only at `type()` of things and at the first few elements of builtin
containers, so it never runs user code (no `__len__`, `__iter__`, `__eq__`
of user classes).  `render(descriptors)` merges what one slot saw over many
calls into one annotation, widening instead of growing huge unions.

Descriptors: an atom is a string (`"int"`, `"None"`, `"pkg.mod.Class"`);
a generic is a tuple `(name, arg, ...)` whose args are frozensets of
descriptors (a union; empty = element type unknown, e.g. an empty list).
A fixed-length tuple is `("tuple", a0, a1, ...)`, a homogeneous one
`("tuple...", a)`, an empty one `("tuple",)`.
"""

import re
import sys
import types
from itertools import islice

#: Elements of a container looked at per value.
SAMPLE = 5
#: Nesting depth past which a container is named without its element types.
MAX_DEPTH = 3
#: Tuples up to this long are recorded element by element (`tuple[int, int]`, `tuple[str, None]`).
SHORT_TUPLE = 6
#: Longer tuples up to this long too when their elements differ (a record: `(year, ..., tzinfo, raw)`);
#: others as `tuple[T, ...]`.
MAX_FIXED_TUPLE = 12
#: Members of a union (None not counted) past which it is widened.
MAX_UNION = 3

_PATTERN = type(re.compile(""))
_MATCH = type(re.match("", ""))
_ATOMS = {}  # type -> atom name (cache)
_SCALARS = {}  # type -> atom name, for the types `describe` never looks into
_CLASSES = {}  # atom name -> class, for widening to a common base
_ALIASES = {
    "pathlib.PosixPath": "pathlib.Path",
    "pathlib.WindowsPath": "pathlib.Path",
    "pathlib.PurePosixPath": "pathlib.PurePath",
    "pathlib.PureWindowsPath": "pathlib.PurePath",
    "builtins.NoneType": "None",
}
_SPECIAL = {
    types.FunctionType: "collections.abc.Callable",
    types.BuiltinFunctionType: "collections.abc.Callable",
    types.MethodType: "collections.abc.Callable",
    types.LambdaType: "collections.abc.Callable",
    types.GeneratorType: "collections.abc.Generator",
    types.CoroutineType: "collections.abc.Coroutine",
    types.AsyncGeneratorType: "collections.abc.AsyncGenerator",
    types.ModuleType: "types.ModuleType",
    type(None): "None",
    type({}.keys()): "collections.abc.KeysView",
    type({}.values()): "collections.abc.ValuesView",
    type({}.items()): "collections.abc.ItemsView",
}
_NUMERIC = ("bool", "int", "float", "complex")  # each absorbs the ones before it


def _reachable(cls, module, qual):
    """Whether `module.qual` names `cls` (not a `<locals>` class, not a hidden builtin like list_iterator)."""
    if "<" in qual:
        return False
    obj = sys.modules.get(module)
    for part in qual.split("."):
        obj = getattr(obj, part, None)
    return obj is cls


def atom_name(cls):
    """The reachable `module.QualName` of a class (bare for builtins).

    A class that cannot be named (defined in a function, or a builtin's
    hidden type) is written as its nearest nameable base class, an iterator
    type as `collections.abc.Iterator`.
    """
    name = _ATOMS.get(cls)
    if name is not None:
        return name
    name = _SPECIAL.get(cls)
    if name is None:
        module = getattr(cls, "__module__", None) or "builtins"
        qual = getattr(cls, "__qualname__", None) or cls.__name__
        if module.startswith("_") and _reachable(cls, module.lstrip("_"), qual):
            module = module.lstrip("_")
        if not _reachable(cls, module, qual):
            if "__next__" in dir(cls):
                name = "collections.abc.Iterator"
            elif "__iter__" in dir(cls):
                name = "collections.abc.Iterable"
            else:
                bases = [b for b in cls.__mro__[1:] if b is not object]
                name = atom_name(bases[0]) if bases else "object"
        elif module == "builtins":
            name = qual
        else:
            name = _ALIASES.get(module + "." + qual, module + "." + qual)
        _CLASSES.setdefault(name, cls)
    _ATOMS[cls] = name
    return name


def _union(values, depth):
    return frozenset(describe(v, depth) for v in islice(values, SAMPLE))


def describe(value, depth=0):
    """The descriptor of one runtime value."""
    cls = type(value)
    name = _SCALARS.get(cls)
    if name is not None:
        return name
    if depth >= MAX_DEPTH:
        return atom_name(cls)
    depth += 1
    if cls is list:
        return ("list", _union(value, depth))
    if cls is dict:
        items = list(islice(value.items(), SAMPLE))
        return ("dict", frozenset(describe(k, depth) for k, _ in items),
                frozenset(describe(v, depth) for _, v in items))
    if cls is tuple:
        if len(value) <= SHORT_TUPLE:
            return ("tuple",) + tuple(frozenset((describe(v, depth),)) for v in value)
        elements = [describe(v, depth) for v in islice(value, MAX_FIXED_TUPLE)]
        if len(value) > MAX_FIXED_TUPLE or len(set(elements)) == 1:
            return ("tuple...", frozenset(elements))
        return ("tuple",) + tuple(frozenset((e,)) for e in elements)
    if cls is set or cls is frozenset:
        return (cls.__name__, _union(value, depth))
    if issubclass(cls, type):
        return ("type", frozenset((atom_name(value),)))
    if cls is _PATTERN:
        return ("re.Pattern", frozenset((atom_name(type(value.pattern)),)))
    if cls is _MATCH:
        return ("re.Match", frozenset((atom_name(type(value.string)),)))
    name = atom_name(cls)
    _SCALARS[cls] = name
    return name


def _name(desc):
    return desc if isinstance(desc, str) else desc[0]


def _merge_generic(group):
    """Merge descriptors sharing a generic name into one (arg-wise unions)."""
    name = group[0][0]
    if name in ("tuple", "tuple..."):
        if len({d[0] for d in group}) == 1 and len({len(d) for d in group}) == 1:
            return (name,) + tuple(frozenset().union(*args) for args in zip(*(d[1:] for d in group)))
        return ("tuple...", frozenset().union(*(a for d in group for a in d[1:])))
    return (name,) + tuple(frozenset().union(*args) for args in zip(*(d[1:] for d in group)))


def _common_base(names):
    classes = [_CLASSES.get(n) for n in names]
    if any(c is None for c in classes):
        return "object"
    for base in classes[0].__mro__:
        if base is not object and all(issubclass(c, base) for c in classes):
            return atom_name(base)
    return "object"


def _absorb(atoms):
    """Drop atoms that another member already covers (int in float, a subclass in its base)."""
    present = [n for n in _NUMERIC if n in atoms]
    if len(present) > 1:
        atoms = atoms - set(present[:-1])
    classes = {n: _CLASSES.get(n) for n in atoms}
    out = set()
    for n in atoms:
        cls = classes[n]
        covered = cls is not None and n not in _NUMERIC and any(
            m != n and classes[m] is not None and m not in _NUMERIC and issubclass(cls, classes[m])
            for m in atoms)
        if not covered:
            out.add(n)
    return out


def _render_generic(desc, depth):
    name, args = desc[0], desc[1:]
    if name == "tuple":
        if not args:
            return "tuple[()]"
        return "tuple[" + ", ".join(render(a, depth + 1) for a in args) + "]"
    if name == "tuple...":
        return "tuple[" + render(args[0], depth + 1) + ", ...]" if args[0] else "tuple"
    if not any(args):
        return name
    return name + "[" + ", ".join(render(a, depth + 1) if a else "object" for a in args) + "]"


def render(descs, depth=0):
    """One PEP 604 annotation covering every descriptor in `descs`."""
    has_none = "None" in descs
    atoms = {d for d in descs if isinstance(d, str) and d != "None"}
    groups = {}
    for d in descs:
        if not isinstance(d, str):
            key = "tuple" if d[0] == "tuple..." else d[0]
            groups.setdefault(key, []).append(d)
    generics = [_merge_generic(g) if len(g) > 1 else g[0] for g in groups.values()]
    atoms = _absorb(atoms)
    if "object" in atoms:
        return "object"
    if len(atoms) + len(generics) > MAX_UNION:
        parts = ["object"] if generics else [_common_base(sorted(atoms))]
    else:
        parts = sorted(atoms) + sorted(_render_generic(g, depth) for g in generics)
    if (not parts and not has_none) or parts == ["object"]:
        return "object"
    if has_none:
        parts.append("None")
    return " | ".join(parts)


def to_text(desc):
    """A single descriptor as annotation text."""
    return render(frozenset((desc,)))


__all__ = ["MAX_UNION", "SAMPLE", "atom_name", "describe", "render", "to_text"]
