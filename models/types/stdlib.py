"""What standard-library functions return and take, as typeshed's stubs say (jedi ships them).

`return base64.b64encode(data)` returns `bytes` and `json.loads(text)` `Any`,
and `os.close(fd)` takes an `int`: the stub of the module says so, or the
stub it re-exports the function from (`codecs.lookup` is `_codecs`'s,
`asyncio.sleep` `asyncio.tasks`'s).  Only module-level functions are read, only
when every overload agrees, and only when the type is made of builtins and the
names `render.py` knows how to import (`Any`, `Iterator`, `Path`...): a
typeshed helper (`StrPath`, `AnyStr`, a TypeVar) or a class of the module
would say something the file cannot write (typeshed.py reads the stubs).
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import functools
import threading
import typing

from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.members import base_name
from pulsedev.models.types.typeshed import exported_names, full_generators, module_stub, top_level, typeshed_dir
from pulsedev.models.types.typetext import head_names, normalize

#: Names every file can write without an import.
BUILTIN_NAMES = {n for n in dir(builtins) if not n.startswith("_")} | {"None"}
#: Names that are not a class of anyone's code: builtins and the generics of typing and collections.abc.
PLAIN_NAMES = frozenset(BUILTIN_NAMES | set(typing.__all__) | set(collections.abc.__all__))
_WRITABLE = BUILTIN_NAMES | set(KNOWN_IMPORTS)
_lock = threading.Lock()


def function_return(dotted: str, index=None) -> str | None:
    """The return type of a standard-library function `module.func` (None when unknown or unwritable,
    or when the workspace `index` has a module of that name)."""
    return None if shadowed(dotted, index) else _stub_return(dotted)


@functools.lru_cache(maxsize=4096)
def _stub_return(dotted: str) -> str | None:
    _, defs = function_defs(dotted)
    if not defs or any(isinstance(d, ast.AsyncFunctionDef) for d in defs):  # (a call makes a coroutine)
        return None
    return _agreed([d.returns for d in defs])


def returned_class(dotted: str) -> str | None:
    """The class of its own module that a standard-library function `module.func` returns, by its
    bare name (`ssl.create_default_context` gives `SSLContext`, which a file that imports `ssl` writes
    `ssl.SSLContext`), when every overload says so; None otherwise.  (Its caller rules out a
    workspace module of that name.)"""
    home, defs = function_defs(dotted)
    names = {d.returns.id if isinstance(d, ast.FunctionDef) and isinstance(d.returns, ast.Name) else None
             for d in defs}
    found = names.pop() if len(names) == 1 else None
    return found if found in module_classes(home) and found in module_classes(dotted.rpartition(".")[0]) else None


def module_variable(dotted: str, index=None) -> str | None:
    """The type a standard-library module's stub declares for one of its variables (`sys.stderr` is
    a `TextIO`, `os.linesep` a `str`), when writable; None otherwise."""
    module, _, name = dotted.rpartition(".")
    if not module or name.startswith("_") or shadowed(dotted, index):
        return None
    with _lock:
        found = _module_vars(module)
    return found.get(name) if found else None


@functools.lru_cache(maxsize=256)
def _module_vars(module: str) -> dict[str, str | None] | None:
    """Variable name -> its writable type in one stdlib module's stub (None if there is no stub), as
    code writes it: `Final = 10` is an `int`, a `LiteralString` or a `Literal` of strings a `str`,
    and typeshed's `| MaybeNone` (an `Any` for what is seldom None) is left out."""
    tree = module_stub(module)
    if tree is None:
        return None
    found: dict[str, str | None] = {}
    for n in top_level(tree.body):
        if not (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)):
            continue
        ann = n.annotation
        if isinstance(ann, ast.Name) and ann.id == "Final":
            v = n.value
            found[n.target.id] = type(v.value).__name__ if isinstance(v, ast.Constant) and type(v.value) in (
                int, float, str, bytes, bool) else None
            continue
        ann = ann.slice if isinstance(ann, ast.Subscript) and base_name(ann) == "Final" else ann
        text = ast.unparse(ann).replace("LiteralString", "str").replace(" | MaybeNone", "")
        if text.startswith("Literal[") and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str)
                for e in ast.walk(ast.parse(text, mode="eval").body.slice)
                if isinstance(e, ast.expr) and not isinstance(e, ast.Tuple)):
            text = "str"
        found[n.target.id] = _writable(ast.parse(text, mode="eval").body)
    return found


def shadowed(dotted: str, index) -> bool:
    """Whether the workspace has a module of that name (its own `utils.load` is not the library's)."""
    return index is not None and index.defines(dotted)


def function_defs(dotted: str) -> tuple[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
    """The stub module that defines a public module-level function `module.func`, and its definitions
    (overloads); `("", [])` when there are none."""
    module, _, name = dotted.rpartition(".")
    if not module or name.startswith("_"):
        return "", []
    with _lock:
        defs = _module_defs(module)
    return defs.get(name, ("", [])) if defs else ("", [])


def _agreed(annotations: list[ast.expr | None]) -> str | None:
    """The one writable type all the annotations say, or None."""
    types = {_writable(a) for a in annotations}
    return next(iter(types)) if len(types) == 1 and None not in types else None


def method_names() -> frozenset[str]:
    """The names of the methods of every class in the standard library's stubs (`send`,
    `getpeercert`): `obj.send(...)` on an object of unknown type may be a standard-library object's."""
    return _members()[0]


def member_names() -> frozenset[str]:
    """`method_names` and the names of the classes' attributes (`stdout`, `sign` of a `DecimalTuple`)."""
    return _members()[1]


_MEMBERS: tuple[frozenset[str], frozenset[str]] | None = None


def read_members(pause=lambda: None) -> None:
    """Reads the stubs' member names once (about 0.7 s for 743 stubs), calling `pause()` between
    stubs: `WorkspaceIndex.build` reads them in the background, where a hint request may pause it."""
    global _MEMBERS
    if _MEMBERS is not None:
        return
    root = typeshed_dir()
    methods: set[str] = set()
    attributes: set[str] = set()
    for path in sorted(root.joinpath("stdlib").rglob("*.pyi")) if root is not None else ():
        pause()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        for c in ast.walk(tree):
            for m in c.body if isinstance(c, ast.ClassDef) else ():
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    methods.add(m.name)
                elif isinstance(m, ast.AnnAssign) and isinstance(m.target, ast.Name):
                    attributes.add(m.target.id)
                elif isinstance(m, ast.Assign):
                    attributes.update(t.id for t in m.targets if isinstance(t, ast.Name))
    _MEMBERS = frozenset(methods), frozenset(methods | attributes)


def _members() -> tuple[frozenset[str], frozenset[str]]:
    """(method names, member names) of the classes in the standard library's stubs."""
    if _MEMBERS is None:
        read_members()
    return _MEMBERS


@functools.lru_cache(maxsize=256)
def _module_defs(module: str) -> dict[str, tuple[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]] | None:
    """Function name -> (the stub module that defines it, its definitions: overloads) for one stdlib
    module's stub (None if there is no stub), with what it re-exports by `from _codecs import *`
    (`codecs.lookup`) or `from .tasks import *` (`asyncio.sleep`), as far as their `__all__` lets,
    and by name from an accelerator module (`from _asyncio import get_event_loop as get_event_loop`)."""
    tree = module_stub(module)
    if tree is None:
        return None
    found: dict[str, tuple[str, list]] = {}
    for node in top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.name, (module, []))[1].append(node)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level <= 1:
            source = f"{module}.{node.module}" if node.level else node.module
            star = [a.name for a in node.names] == ["*"]
            if not star and not source.rpartition(".")[2].startswith("_"):
                continue  # (sibling modules import each other; accelerator modules import nothing back)
            defs = _module_defs(source) if source != module else None
            exported = exported_names(source) if star else {a.name for a in node.names if a.asname == a.name}
            for name, home in (defs or {}).items():  # (typeshed re-exports one name as `f as f`)
                if name not in found and (name in exported if exported is not None else not name.startswith("_")):
                    found[name] = home
    return found


@functools.lru_cache(maxsize=256)
def module_classes(module: str) -> tuple[str, ...]:
    """The public classes a standard-library module's stub defines whose bare name is a whole type
    (`ssl.SSLContext`, `asyncio.Transport`; not `asyncio.Queue`, a generic).

    >>> "SSLContext" in module_classes("ssl"), "Queue" in module_classes("asyncio")
    (True, False)
    """
    tree = module_stub(module)
    if tree is None:
        return ()
    found = []
    for n in top_level(tree.body):
        if isinstance(n, ast.ClassDef) and not n.name.startswith("_") and not any(
                isinstance(b, ast.Subscript) for b in n.bases):
            found.append(n.name)
        elif isinstance(n, ast.ImportFrom) and n.level == 1 and n.module and [a.name for a in n.names] == ["*"]:
            found += module_classes(f"{module}.{n.module}")  # a package's `from .events import *`
    return tuple(found)


def _writable(annotation: ast.expr | None) -> str | None:
    if annotation is None:
        return None
    text = normalize(full_generators(annotation))
    if text is None or not all(n in _WRITABLE for n in head_names(text)):
        return None
    return text
