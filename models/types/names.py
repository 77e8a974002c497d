"""What a parameter's name says about its type, given the classes its file can see.

`console` is a `Console`, `state` a `StateInline`, `settings_cls` is
`type[BaseSettings]` and `tokens`, looped over, an `Iterable[Token]`, and
`style` a `StyleType` alias.  `class_for_name` matches a name's words to
class names (`alias_for_name` to type aliases); `type_named` adds the
class-itself and collection forms and picks the container from how the
body uses the parameter.  These are candidates only: the model
learns from the corpus how far each form is right (see static.py).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pulsedev.models.types import stdclasses, stdlib
from pulsedev.models.types.members import fit
from pulsedev.models.types.selftype import type_params
from pulsedev.models.types.typelike import is_type_expr

if TYPE_CHECKING:
    from pulsedev.models.types.context import FileContext
    from pulsedev.models.types.slots import Slot

#: Abbreviations in parameter names, spelled out as class names spell them.
ABBREVIATIONS = {"conn": "connection", "req": "request", "resp": "response", "res": "response",
                 "ctx": "context", "cfg": "config", "conf": "config", "exc": "exception", "err": "error",
                 "msg": "message", "addr": "address", "evt": "event", "buf": "buffer", "db": "database",
                 "sess": "session", "tx": "transaction", "dt": "datetime", "proc": "process", "tmpl": "template",
                 "doc": "document", "elem": "element", "attr": "attribute", "param": "parameter",
                 "spec": "specification", "env": "environment", "environ": "environment", "repo": "repository",
                 "dir": "directory", "sock": "socket", "sig": "signature", "chan": "channel", "mod": "module",
                 "app": "application", "func": "function", "fn": "function", "cb": "callback", "ref": "reference",
                 "tok": "token", "op": "operator", "config": "configuration", "arg": "argument"}
#: Last words of exception class names: a parameter is named after one only when it names the error.
_RAISED = {"error", "exception", "warning", "defect", "exit", "interrupt"}
_RAISING_MODULES = {"exceptions", "errors", "exc", "error", "exception"}
#: Their classes (`TypedDict`, `KeysView`) are named by a parameter only exactly.
TYPING_MODULES = ("typing.", "typing_extensions.", "collections.abc.")
#: The typing names that are whole types without parameters.
_WHOLE_TYPING = {"Any", "Hashable", "Sized", "TextIO", "BinaryIO", "NamedTuple", "TypedDict", "Protocol"}
ALIAS_SUFFIXES = ("types", "type", "like", "input")
#: Name endings of a parameter that takes a class itself (`settings_cls: type[BaseSettings]`).
_CLASS_OF = ("_cls", "_class", "_klass", "_type_cls")
#: Methods that only a list (of the common sequences) has: a plural parameter using them is a list.
_LIST_METHODS = {"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"}


def type_named(slot: Slot, ctx: FileContext) -> tuple[str, str, str] | None:
    """The type a parameter's name names (type text, rule, words): a class of the file
    (`console` -> `Console`), the class itself (`settings_cls` -> `type[BaseSettings]`), or a
    collection of it (`tokens` -> `Sequence[Token]`, the container chosen by how it is used)."""
    name = slot.name
    found = class_for_name(ctx, name, lambda names: [n for n in names if (f := fit(ctx, slot.func, name, n))
                                                     and f[0] == "found"])
    if found is not None and found[0] == slot.qualname.split(".")[0] and found[0] in ctx.classes:
        found = None  # a method's `header` in `HeaderSet`, `file` in `FileWrapper`: a part, seldom the class itself
    if found is not None:
        return found[0], f"name_class_{found[1]}{_based(ctx, found[0])}", f"named like the class `{found[0]}`"
    stem = next((name[: -len(e)] for e in _CLASS_OF if name.endswith(e) and len(name) > len(e) + 1), None)
    if stem is not None and (found := class_for_name(ctx, stem)) is not None:
        return f"type[{found[0]}]", "name_class_type", f"named like the class `{found[0]}` itself"
    if len(name) > 4 and name.endswith("s") and not name.endswith("ss"):
        found = class_for_name(ctx, name[:-3] + "y" if name.endswith("ies") else name[:-1])
        container = _container(slot.func, name) if found is not None and found[1] == "exact" else None
        if container is not None:
            return f"{container}[{found[0]}]", "name_class_plural", f"named like {found[0]} objects"
    return None


def _based(ctx: FileContext, cls: str) -> str:
    """`_base` for a class that workspace classes derive from: a parameter named for it is as often one
    of those or a wider type (`frame` for an `RstStreamFrame`), 51-70% right on seven sets of packages
    where a class without subclasses was 81-85%; '' for another."""
    derived = ctx.index is not None and ctx.index.subclasses(cls.rpartition(".")[2])
    return "_base" if derived else ""


def _container(func, name: str) -> str | None:
    """How a plural parameter is used as a collection: `list` when the body calls a list-only method
    on it, `Sequence` when it indexes it or takes its length, `Iterable` when it only loops over it,
    None when the body does none of these (`retries` may well be one `Retry`)."""
    found = None
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name \
                and node.attr in _LIST_METHODS:
            return "list"
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name) or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "reversed")
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name):
            found = "Sequence"
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name) \
                and node.iter.id == name:
            found = found or "Iterable"
    return found


def _in_order(want: tuple[str, ...], have: tuple[str, ...]) -> bool:
    """True when the words of `want` appear in `have` in order (not necessarily adjacent)."""
    it = iter(have)
    return all(w in it for w in want)


def class_for_name(ctx: FileContext, name: str, narrow=None) -> tuple[str, str] | None:
    """A class defined in or imported into the file that a parameter's name names.

    Tried in order, each only when one class fits: `console` -> `Console` ("exact",
    common abbreviations spelled out: `conn` -> `Connection`); `options` -> `ConsoleOptions`
    ("suffix"); `parent_scope` -> `Scope` ("tail"); `state` -> `StateInline` ("prefix");
    `retry_state` -> `RetryCallState` ("contains": the name's words in order); last, `ssl_context`
    -> `ssl.SSLContext`, a class of a standard-library module the file imports ("module").  When several
    fit, `narrow(names)` may pick among them (how the parameter is used, see `type_named`).
    """
    for how, found in _fitting(ctx, name):
        if len(found) > 1 and narrow is not None:
            found = narrow(sorted(found))
        if len(found) == 1:
            return found[0], how
        if found:
            return None
    return None


def _fitting(ctx: FileContext, name: str) -> list[tuple[str, list[str]]]:
    """For each test of `class_for_name` in order, the classes a name fits (once per name)."""
    from pulsedev.models.types.features import tokens

    if name in ctx.fits:
        return ctx.fits[name]
    if ctx.class_words is None:
        names = set(ctx.classes) | {n for n in ctx.imports if ctx.is_class_name(n)}
        ctx.class_words = {n: tuple(tokens(n)) for n in names if n[:1].isupper() and not bare_generic(ctx, n)}
        ctx.raising = {n for n, t in ctx.class_words.items() if _raised(ctx, n, t)}
    spelled = tuple(tokens(name))
    want = tuple(ABBREVIATIONS.get(t, t) for t in spelled)
    classes = list(ctx.class_words.items()) if want else []
    if want and want[-1] not in _RAISED:  # `host` is not a HostChangedError, though `exc` is an Exception
        classes = [(n, t) for n, t in classes if t in (want, spelled) or n not in ctx.raising]
    tests = (("exact", lambda t: t in (want, spelled)),  # (`environ` is an `Environ` where one is defined)
             ("suffix", lambda t: any(len(t) > len(w) and t[-len(w):] == w and len(w[-1]) > 2
                                      for w in {want, spelled})),  # (`app`: `ASGIApp`, `WSGIApplication`)
             ("tail", lambda t: len(want) > len(t) and want[-len(t):] == t and len(t[-1]) > 3),
             ("prefix", lambda t: len(want) == 1 and len(t) > 1 and t[0] == want[0] and len(want[0]) > 3),
             ("contains", lambda t: len(t) > len(want) > 1 and _in_order(want, t)))
    ctx.fits[name] = [(how, [n for n, t in classes if test(t)]) for how, test in tests]
    # Last, a class of an imported standard-library module (`ssl.SSLContext`), named exactly and by
    # more than one word: its module has dozens, `name` is seldom an `ast.Name` nor `handler` a
    # `logging.Handler`, and a class of the file or the workspace comes first (`WrappedLogger`).
    seen = {n.rpartition(".")[2] for _, found in ctx.fits[name] for n in found}
    ctx.fits[name].append(("module", [n for n, t in _module_classes(ctx).items() if t == want and (
        len(want) > 1 or _lower_class(ctx, n)) and n.rpartition(".")[2] not in seen]))
    return ctx.fits[name]


def _lower_class(ctx: FileContext, dotted: str) -> bool:
    """Whether `module.cls` is the standard-library class its module is named for (`socket.socket`,
    `datetime.datetime`), which a one-word name may stand for (`sock`: 35 of 35 such parameters in
    seven sets of packages); not another class in lower case (`warnings.deprecated`, a decorator;
    `socket.timeout`, an exception)."""
    local, _, cls = dotted.rpartition(".")
    return cls == ctx.imports.get(local, local).rpartition(".")[2]


def _module_classes(ctx: FileContext) -> dict[str, tuple[str, ...]]:
    """`module.Class` -> the class name's words, for the classes of the standard-library modules the
    file imports whole (`import ssl`: `ssl.SSLContext`, written as the file names the module).  In
    four sets of typed packages, 42 of the 70 parameters annotated `ssl.SSLContext` were named
    `ssl_context`."""
    from pulsedev.models.types.features import tokens

    if ctx.module_classes is not None:
        return ctx.module_classes
    found = ctx.module_classes = {}
    for local, origin in ctx.imports.items():
        if ctx.index is None or not ctx.index.defines(origin):  # (not the workspace's own `ssl.py`)
            for cls in stdlib.module_classes(origin):  # none unless `origin` is a module with a stub
                found[f"{local}.{cls}"] = tuple(tokens(cls))
    return found


def bare_generic(ctx: FileContext, name: str) -> bool:
    """Whether a class's bare name is not a whole type (`Iterable`, `Future`, a workspace `Generic[T]`):
    `iterable` is an `Iterable[T] | AsyncIterable[T]`, and its name says nothing of the `T`.  In three
    evaluation sets, 31 of 36 parameters named after such a class were annotated with its parameters."""
    if name in ctx.classes:
        return type_params(ctx, ctx.classes[name]) != []
    origin = ctx.imports.get(name, "")
    if origin.startswith(TYPING_MODULES):
        return name not in _WHOLE_TYPING
    home = ctx.index.class_home(origin) if ctx.index is not None else None
    if home is not None:
        return type_params(home[0], home[1]) != []
    return stdclasses.generic(origin) is True


def _raised(ctx: FileContext, name: str, words: tuple[str, ...]) -> bool:
    """Whether a class is an exception (by its last word: `HostChangedError`, the module it comes
    from: `InvalidURL` from `._exceptions`, or, defined here, its bases) or a typing construct."""
    if words[-1] in _RAISED:
        return True
    origin = ctx.imports.get(name)
    if origin is not None:
        module = origin.rsplit(".", 2)[-2] if origin.count(".") else ""
        return module.strip("_") in _RAISING_MODULES or origin.startswith(TYPING_MODULES)
    node = ctx.classes.get(name)
    return node is not None and any(
        (b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "").endswith(
            ("Error", "Exception", "Warning")) for b in node.bases)


def alias_for_name(ctx: FileContext, name: str, admits_literal: bool = False) -> str | None:
    """A type alias of the file or imported into it that a parameter's name names.

    Libraries name the union a parameter accepts after it: `style: StyleType`,
    `cookies: CookieTypes`, `dtype: DTypeLike`.  Only aliases so suffixed count,
    and none when the file binds a class of the name itself (`proxy` where `Proxy`
    and a library's `ProxyType` are both imported is a `Proxy`), unless the parameter's literal
    default (`admits_literal`) says it takes more than the class.
    """
    if ctx.alias_keys is None:
        names = [n for n, node in ctx.assignments.items() if is_type_expr(node)]
        names += [n for n in ctx.imports if n not in ctx.classes]
        keys: dict[str, list[str]] = {}
        for n in names:
            low = n.lower().replace("_", "")
            for suffix in ALIAS_SUFFIXES:
                if low.endswith(suffix) and len(low) > len(suffix) and n[:1].isupper():
                    keys.setdefault(low[: -len(suffix)], []).append(n)
                    break
        ctx.alias_keys = keys
    want = name.lower().replace("_", "")
    found = ctx.alias_keys.get(want) or (ctx.alias_keys.get(want[:-1]) if want.endswith("s") else None)
    if found is None and want.endswith("ies"):
        found = ctx.alias_keys.get(want[:-3] + "y")
    if found and not admits_literal and want in _bound_classes(ctx):
        found = [n for n in found if _known_alias(ctx, n)]
    return found[0] if found and len(found) == 1 else None


def _known_alias(ctx: FileContext, name: str) -> bool:
    """True when `name` is an alias the workspace defines, not a library's name that merely ends like one."""
    origin = ctx.imports.get(name)
    return origin is None or (ctx.index is not None and ctx.index.defines(origin) and not ctx.index.is_class(origin))


def _bound_classes(ctx: FileContext) -> set[str]:
    """The classes the file defines or imports, as lower-case names without underscores (memoised)."""
    if ctx.bound_class_keys is None:
        ctx.bound_class_keys = {n.lower().replace("_", "") for n in (*ctx.classes, *ctx.imports)
                                if n[:1].isupper() and ctx.is_class_name(n)}
    return ctx.bound_class_keys
