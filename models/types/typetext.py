"""Type text: annotations as normalised PEP 585/604 strings.

Owns the one canonical spelling of a type used by the model's labels, the
static inference, the tracer aggregation and the evaluation: typing aliases
become builtins (`List[int]` -> `list[int]`), `Optional`/`Union` become `|`
with `None` last, qualifiers are dropped (`pathlib.Path` -> `Path`), string
annotations are parsed, `Annotated[X, ...]` is `X`.  `Literal[...]` and
anything unparsable normalise to None (never shown, never a label).
`canonical` is the comparison form: union members sorted, and the trailing
`None` arguments of `Generator` and `AsyncGenerator` (their defaults) dropped.
"""

from __future__ import annotations

import ast
import functools

ALIASES = {
    "List": "list", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset", "Tuple": "tuple",
    "Type": "type", "Text": "str", "DefaultDict": "defaultdict", "Deque": "deque",
    "OrderedDict": "OrderedDict", "Counter": "Counter", "ChainMap": "ChainMap", "AnyStr": "str",
}
_DROP = {"Literal", "LiteralString", "TypeGuard", "TypeIs", "Unpack", "Required", "NotRequired",
         "ReadOnly", "Concatenate", "ParamSpec", "TypeAlias", "Final", "ClassVar", "InitVar"}


def normalize(annotation: ast.expr | str | None) -> str | None:
    """The canonical text of an annotation node or string, or None when unusable.

    >>> normalize("Optional[List[int]]")
    'list[int] | None'
    >>> normalize("typing.Union[None, str, int]")
    'str | int | None'
    >>> normalize("Literal['a']") is None
    True
    """
    if annotation is None:
        return None
    if isinstance(annotation, str):
        try:
            annotation = ast.parse(annotation.strip(), mode="eval").body
        except (SyntaxError, ValueError):
            return None
    try:
        return _text(annotation)
    except _Unusable:
        return None


class _Unusable(Exception):
    pass


def _last(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute):
        name = node.attr
    else:
        raise _Unusable
    if name in _DROP or (isinstance(node, ast.Attribute) and name in ("args", "kwargs")):  # ParamSpec P.args
        raise _Unusable
    return ALIASES.get(name, name)


def _members(text: str) -> list[str]:
    return split_union(text)


def _union(parts: list[str]) -> str:
    out: list[str] = []
    for part in parts:
        for m in _members(part):
            if m not in out:
                out.append(m)
    if "Any" in out and len(out) > 1:
        out = [m for m in out if m in ("Any", "None")]
    if "None" in out:
        out = [m for m in out if m != "None"] + ["None"]
    return " | ".join(out)


def _text(node: ast.expr) -> str:
    if isinstance(node, ast.Constant):
        if node.value is None:
            return "None"
        if isinstance(node.value, str):
            return normalize_or_raise(node.value)
        if node.value is Ellipsis:
            return "..."
        raise _Unusable
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _name(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_text(node.left), _text(node.right)])
    if isinstance(node, ast.List):  # Callable[[a, b], r]
        return "[" + ", ".join(_text(e) for e in node.elts) + "]"
    if isinstance(node, ast.Subscript):
        if isinstance(node.value, (ast.Name, ast.Attribute)) and _last(node.value) in ("ClassVar", "Final", "InitVar"):
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
            return _text(inner)
        base = _name(node.value)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Optional":
            return _union([_text(args[0]), "None"])
        if base == "Union":
            return _union([_text(a) for a in args])
        if base == "Annotated":
            return _text(args[0])
        return f"{base}[{', '.join(_text(a) for a in args)}]"
    raise _Unusable


def normalize_or_raise(text: str) -> str:
    """Like `normalize` for a string, raising the internal error when unusable."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError):
        raise _Unusable from None
    return _text(node)


def _split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets, each part stripped (empty parts kept)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def split_union(text: str) -> list[str]:
    """The top-level members of a `|` union text."""
    return [p for p in _split_top(text, "|") if p]


def without_none(text: str | None) -> list[str]:
    """The top-level members of a union text other than None (none for None or no text).

    >>> without_none("int | None"), without_none("None"), without_none(None)
    (['int'], [], [])
    """
    return [m for m in split_union(text) if m != "None"] if text else []


@functools.lru_cache(maxsize=8192)
def canonical(text: str | None) -> str | None:
    """Comparison form: normalised with union members sorted (order-free equality).

    >>> canonical("None | int") == canonical("Optional[int]")
    True
    >>> canonical("Generator[int, None, None]"), canonical("AsyncGenerator[None, None]")
    ('Generator[int]', 'AsyncGenerator[None]')
    >>> (canonical("LocalProxy[Any]"), canonical("Callable[..., Any]"), canonical("tuple[Any, ...]"),
    ...  canonical("tuple[Any]"))
    ('LocalProxy', 'Callable', 'tuple', 'tuple[Any]')
    """
    norm = normalize(text) if text is not None else None
    if norm is None:
        return None
    return _canonical_form(norm)


def type_key(text: str) -> str:
    """What two type texts are the same type by: the canonical form, or the text itself when it
    has none (`type_key("Optional[int]") == type_key("int | None")`)."""
    return canonical(text) or text


def agreed(found) -> tuple[str, str] | None:
    """The first (type, source) of the pairs `found` when all their types are the same type, else None.

    >>> agreed([("int | None", "a"), ("Optional[int]", "b")]), agreed([("int", "a"), ("str", "b")])
    (('int | None', 'a'), None)
    """
    kinds: dict[str, tuple[str, str]] = {}
    for t, source in found:
        kinds.setdefault(type_key(t), (t, source))
    return next(iter(kinds.values())) if len(kinds) == 1 else None


#: Generics whose trailing type arguments default to None (PEP 696, as typeshed declares them):
#: `Generator[int]` is `Generator[int, None, None]`, written out or not.
_NONE_DEFAULTS = ("Generator", "AsyncGenerator")
#: The arguments that make these generics their bare selves (for others: `Any` for every argument).
_ALL_ANY = {"tuple": ["Any", "..."], "Callable": ["...", "Any"]}


def _canonical_form(text: str) -> str:
    """`canonical` of a normalised text: union members sorted, at every depth, the trailing None
    arguments of `_NONE_DEFAULTS` dropped, and a generic whose arguments are all `Any` written bare
    (PEP 484: a bare `LocalProxy` is `LocalProxy[Any]`; `tuple` is `tuple[Any, ...]`)."""
    members = split_union(text)
    if len(members) > 1:
        return " | ".join(sorted(_canonical_form(m) for m in members))
    if "[" in text and text.endswith("]"):
        head, inner = text.split("[", 1)
        args = [_canonical_form(a) for a in _split_top(inner[:-1], ",")]
        while head in _NONE_DEFAULTS and len(args) > 1 and args[-1] == "None":
            args.pop()
        if args == _ALL_ANY.get(head, ["Any"] * len(args)):
            return head
        return f"{head}[{', '.join(args)}]"
    return text


def head_names(text: str) -> list[str]:
    """Every class-like name a type text mentions (for reachability checks)."""
    names, cur = [], ""
    for ch in text + " ":
        if ch.isalnum() or ch in "_.":
            cur += ch
        else:
            if cur and cur != "..." and not cur[0].isdigit():
                names.append(cur)
            cur = ""
    return names


def join_types(types: list[str | None], limit: int = 3) -> str | None:
    """The union of type texts (members in order, None last, `int` in `float`, `bool` in `int`), or
    None when one is unknown or it would have more than `limit` members.

    >>> join_types(["int", "None", "float"]), join_types(["str", None])
    ('float | None', None)
    """
    if not types or any(t is None for t in types):
        return None
    out: list[str] = []
    for t in types:
        for m in split_union(t):
            if m not in out:
                out.append(m)
    if len(out) > 1:  # a branch that always raises adds nothing to what the others give
        out = [m for m in out if m not in ("NoReturn", "Never")] or out[:1]
    if len(out) > limit:
        return None
    if "None" in out:
        out = [m for m in out if m != "None"] + ["None"]
    if "int" in out and "float" in out:
        out.remove("int")
    if "bool" in out and "int" in out:
        out.remove("bool")
    return " | ".join(out)
