"""What standard-library functions return and take, as typeshed's stubs say (jedi ships them).

`return base64.b64encode(data)` returns `bytes` and `json.loads(text)` `Any`,
and `os.close(fd)` takes an `int`: the stub of the module says so, or the
stub it re-exports the function from (`codecs.lookup` is `_codecs`'s,
`asyncio.sleep` `asyncio.tasks`'s).  Only module-level functions are read, only
when every overload agrees, and only when the type is made of builtins and the
names `render.py` knows how to import (`Any`, `Iterator`, `Path`...): a
typeshed helper (`StrPath`, `AnyStr`, a TypeVar) or a class of the module
would say something the file cannot write.  Each stub is parsed once, when
first asked, and kept.
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import copy
import functools
import importlib.util
import threading
import typing
from pathlib import Path

from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.members import base_name
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
    return None if _shadowed(dotted, index) else _stub_return(dotted)


@functools.lru_cache(maxsize=4096)
def _stub_return(dotted: str) -> str | None:
    _, defs = _defs(dotted)
    if not defs or any(isinstance(d, ast.AsyncFunctionDef) for d in defs):  # (a call makes a coroutine)
        return None
    return _agreed([d.returns for d in defs])


def returned_class(dotted: str) -> str | None:
    """The class of its own module that a standard-library function `module.func` returns, by its
    bare name (`ssl.create_default_context` gives `SSLContext`, which a file that imports `ssl` writes
    `ssl.SSLContext`), when every overload says so; None otherwise.  (Its caller rules out a
    workspace module of that name.)"""
    home, defs = _defs(dotted)
    names = {d.returns.id if isinstance(d, ast.FunctionDef) and isinstance(d.returns, ast.Name) else None
             for d in defs}
    found = names.pop() if len(names) == 1 else None
    return found if found in module_classes(home) and found in module_classes(dotted.rpartition(".")[0]) else None


def function_param(dotted: str, position: int | None, keyword: str | None, index=None, spell=None) -> str | None:
    """The type of the parameter of a standard-library function `module.func` that an argument at
    `position` (or passed as `keyword`) lands in: `os.close(fd)` gives `int`, and a class's constructor
    `datetime.timedelta(seconds=s)` gives `float`.  None when unknown or
    unwritable, when the overloads disagree, or when it is `object` or `Any` (which say nothing);
    other classes than builtins, typing's and `KNOWN_IMPORTS` are written as `spell` writes them
    (`stdclasses.speller`)."""
    from pulsedev.models.types.stdclasses import constructor_param, writable  # (it reads this module's stubs)

    if _shadowed(dotted, index):
        return None
    home, defs = _defs(dotted)
    if not defs:
        return constructor_param(dotted, position, keyword, spell)  # a class: `io.TextIOWrapper(buffer, errors)`
    found = set()
    for d in defs:
        arg = argument_at(d, position, keyword)
        if arg is None:
            return None
        found.add(writable(arg.annotation, home, "", spell))
    t = found.pop() if len(found) == 1 else None
    return t if t not in ("object", "Any") else None


def argument_at(func: ast.FunctionDef, position: int | None, keyword: str | None, offset: int = 0) -> ast.arg | None:
    """The parameter of a stub's def that an argument at `position` (after `offset` implicit ones:
    a method's `self`) or passed as `keyword` lands in, or None."""
    a = func.args
    if position is not None:
        positional = [*a.posonlyargs, *a.args][offset:]
        return positional[position] if position < len(positional) else None
    return next((x for x in [*a.args, *a.kwonlyargs] if x.arg == keyword), None)


def module_variable(dotted: str, index=None) -> str | None:
    """The type a standard-library module's stub declares for one of its variables (`sys.stderr` is
    a `TextIO`, `os.linesep` a `str`), when writable; None otherwise."""
    module, _, name = dotted.rpartition(".")
    if not module or name.startswith("_") or _shadowed(dotted, index):
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


def _shadowed(dotted: str, index) -> bool:
    """Whether the workspace has a module of that name (its own `utils.load` is not the library's)."""
    return index is not None and index.defines(dotted)


def _defs(dotted: str) -> tuple[str, list[ast.FunctionDef | ast.AsyncFunctionDef]]:
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


@functools.lru_cache(maxsize=1)
def typeshed_dir() -> Path | None:
    """jedi's copy of typeshed (found without importing jedi), if jedi is installed beside this server."""
    spec = importlib.util.find_spec("jedi")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "third_party" / "typeshed"
    return path if path.is_dir() else None


@functools.lru_cache(maxsize=256)
def module_stub(module: str) -> ast.Module | None:
    """The parsed typeshed stub of one stdlib module (None if there is none)."""
    root = typeshed_dir()
    if root is None or not module.replace(".", "").isidentifier():
        return None
    base = root / "stdlib" / module.replace(".", "/")
    for path in (base.with_suffix(".pyi"), base / "__init__.pyi"):
        if path.is_file():
            break
    else:
        return None
    try:
        return ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None


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
            exported = _exported(source) if star else {a.name for a in node.names if a.asname == a.name}
            for name, home in (defs or {}).items():  # (typeshed re-exports one name as `f as f`)
                if name not in found and (name in exported if exported is not None else not name.startswith("_")):
                    found[name] = home
    return found


@functools.lru_cache(maxsize=256)
def _exported(module: str) -> frozenset[str] | None:
    """The names a stub's `__all__` lists (under any version), or None when it has none."""
    tree = module_stub(module)
    names = None
    for node in top_level(tree.body if tree is not None else []):
        target = node.target if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else \
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id == "__all__" and isinstance(node.value, (ast.List, ast.Tuple)):
            names = (names or set()) | {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return frozenset(names) if names is not None else None


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
        if isinstance(n, ast.ClassDef) and n.name[:1].isupper() and not any(
                isinstance(b, ast.Subscript) for b in n.bases):
            found.append(n.name)
        elif isinstance(n, ast.ImportFrom) and n.level == 1 and n.module and [a.name for a in n.names] == ["*"]:
            found += module_classes(f"{module}.{n.module}")  # a package's `from .events import *`
    return tuple(found)


def top_level(body: list[ast.stmt]):
    """Module-level statements, those under `if sys.version_info >= ...:` included."""
    for node in body:
        if isinstance(node, ast.If):
            yield from top_level(node.body)
            yield from top_level(node.orelse)
        else:
            yield node


def _writable(annotation: ast.expr | None) -> str | None:
    if annotation is None:
        return None
    text = normalize(full_generators(annotation))
    if text is None or not all(n in _WRITABLE for n in head_names(text)):
        return None
    return text


def full_generators(annotation: ast.expr) -> ast.expr:
    """The annotation with the defaults of `Generator[X]` and `AsyncGenerator[X]` written out, as
    typeshed leaves them out but Python before 3.13 needs them (`Generator[X, None, None]`)."""
    return _FullGenerators().visit(copy.deepcopy(annotation))


_GENERATOR_ARGS = {"Generator": 3, "AsyncGenerator": 2}


class _FullGenerators(ast.NodeTransformer):

    def visit_Subscript(self, node: ast.Subscript) -> ast.Subscript:
        self.generic_visit(node)
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        missing = _GENERATOR_ARGS.get(base_name(node), 0) - len(args)
        if missing > 0:
            node.slice = ast.Tuple([*args, *[ast.Constant(None)] * missing], ast.Load())
        return node
