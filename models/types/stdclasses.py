"""What the members of standard-library classes give, as typeshed's stubs say.

`self._path.suffix` is a `str` and `self._path.read_bytes()` `bytes` when
`self._path` is a `Path`; `Path.cwd()` is a `Path` (`-> Self`, the receiver).
A class is found by its dotted name (`pathlib.Path`) in its module's stub and
its members are looked up there and in its bases (through the stub's imports),
a property or annotated attribute for `obj.x`, a method for `obj.x()`.  As for
module functions (stdlib.py), overloads must agree and the type must be made of
names the file can write: builtins, typing names, and the classes `KNOWN_IMPORTS`
knows, when the stub means that class (`Event` in asyncio's stub is not
`threading.Event`).
"""

from __future__ import annotations

import ast
import functools
import re

from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.members import base_name
from pulsedev.models.types.stdlib import BUILTIN_NAMES
from pulsedev.models.types.typeshed import full_generators, module_stub, top_level
from pulsedev.models.types.typetext import head_names, normalize

_TYPING = {n for n, m in KNOWN_IMPORTS.items() if m in ("typing", "collections.abc")}
_PROPERTIES = {"property", "cached_property"}


def member_type(dotted: str, name: str, call: bool, receiver: str, spell=None) -> str | None:
    """What `obj.name()` (`call`) or `obj.name` gives for an `obj` of the stdlib class `dotted`
    (`pathlib.Path`), written as `receiver` in the file (other classes as `spell` writes them, see
    `writable`); None when unknown or not writable."""
    if name.startswith("_"):
        return None
    module, _, cls = dotted.rpartition(".")
    found = _member(module, cls, name, call) if module else None
    if found is None:
        return None
    home, annotations = found
    types = {writable(a, home, receiver, spell) for a in annotations}
    return next(iter(types)) if len(types) == 1 and None not in types else None


def generic_method_type(dotted: str, name: str, receiver: str, spell=None) -> str | None:
    """What `obj.name()` gives for an `obj` of the generic stdlib class `dotted` written with its
    arguments as `receiver` (`Pattern[str]`): what the overloads for that receiver return
    (`def sub(self: Pattern[str], ...) -> str`), or those that say nothing of their receiver;
    None when they disagree or say something unwritable (`AnyStr`).

    >>> [generic_method_type("re.Pattern", "sub", f"Pattern[{t}]") for t in ("str", "bytes")]
    ['str', 'bytes']
    """
    found = method_defs(dotted, name) if not name.startswith("_") else None
    if found is None:
        return None
    home, defs = found
    if any({base_name(d) for d in f.decorator_list} & _PROPERTIES for f in defs):
        return None

    def own(f: ast.FunctionDef) -> str | None:
        first = [*f.args.posonlyargs, *f.args.args][:1]
        return writable(first[0].annotation, home, receiver, spell) if first and first[0].annotation else None

    bare = re.sub(r"\b\w+\.", "", receiver)
    owns = [(f, own(f)) for f in defs]
    chosen = [f for f, o in owns if o is not None and re.sub(r"\b\w+\.", "", o) == bare] or [
        f for f, o in owns if o is None]
    types = {writable(f.returns, home, receiver, spell) for f in chosen}
    t = types.pop() if len(types) == 1 else None
    return t if t not in ("object", "Any") else None


@functools.lru_cache(maxsize=512)
def operator_type(dotted: str, dunder: str, other: str, receiver: str) -> str | None:
    """What an operator's method (`__truediv__`) of the stdlib class `dotted` gives with an operand of
    type `other`: its one signature's result, or of its overloads the one whose operand is `other`.

    >>> operator_type("pathlib.Path", "__truediv__", "str", "Path")
    'Path'
    >>> (operator_type("datetime.datetime", "__sub__", "datetime", "datetime"),
    ...  operator_type("datetime.datetime", "__sub__", "timedelta", "datetime"))
    ('timedelta', 'datetime')
    """
    module, _, cls = dotted.rpartition(".")
    found = _owner(module, cls, dunder) if module else None  # the class, or the base defining it (`PurePath`)
    if found is None:
        return None
    home, node = found
    defs = [f for f in top_level(node.body) if isinstance(f, ast.FunctionDef) and f.name == dunder
            and len(f.args.posonlyargs + f.args.args) == 2]
    if len(defs) > 1:
        defs = [f for f in defs if writable((f.args.posonlyargs + f.args.args)[1].annotation, home, receiver) == other]
    return writable(defs[0].returns, home, receiver) if len(defs) == 1 else None


def generic(dotted: str) -> bool | None:
    """Whether the stdlib class takes type parameters (`Popen[bytes]`: its bare name is not its whole
    type); None when the stubs have no such class."""
    module, _, cls = dotted.rpartition(".")
    found = _class_def(module, cls) if module else None
    if found is None:
        return None
    typevars = _typevars(found[0]) | {"AnyStr"}
    return any(isinstance(base, ast.Subscript) and (base_name(base) in ("Generic", "Protocol") or any(
        isinstance(n, ast.Name) and n.id in typevars for n in ast.walk(base.slice))) for base in found[1].bases)


@functools.lru_cache(maxsize=256)
def _typevars(module: str) -> frozenset[str]:
    """The TypeVars a stub defines (`_T = TypeVar("_T")`)."""
    tree = module_stub(module)
    return frozenset(t.id for n in top_level(tree.body if tree is not None else [])
                     if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call)
                     and base_name(n.value.func) == "TypeVar"
                     for t in n.targets if isinstance(t, ast.Name))


@functools.lru_cache(maxsize=2048)
def _member(module: str, cls: str, name: str, call: bool) -> tuple[str, tuple] | None:
    """(the stub module where it is defined, the return annotations of its overloads) of a member."""
    found = _owner(module, cls, name)
    if found is None:
        return None
    module, node = found
    overloads = []
    for stmt in top_level(node.body):
        if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
            decorators = {base_name(d) for d in stmt.decorator_list}
            if decorators & {"setter", "deleter"}:
                continue
            if bool(decorators & _PROPERTIES) == call:
                return None  # `obj.x()` of a property, `obj.x` of a method: not what the code means
            overloads.append(stmt.returns)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            return None if call else (module, (stmt.annotation,))
    return module, tuple(overloads)


@functools.lru_cache(maxsize=2048)
def _owner(module: str, cls: str, name: str, depth: int = 0) -> tuple[str, ast.ClassDef] | None:
    """(the stub module, the class) of the class or its nearest base, depth first, whose body defines
    `name`: a def (a property's setter or deleter aside) or an annotated attribute."""
    found = _class_def(module, cls)
    if found is None or depth > 6:
        return None
    home, node = found
    if any(_defines(stmt, name) for stmt in top_level(node.body)):
        return found
    for base in node.bases:
        where = _base(home, base)
        if where is not None and (got := _owner(*where, name, depth + 1)) is not None:
            return got
    return None


def _defines(stmt: ast.stmt, name: str) -> bool:
    if isinstance(stmt, ast.FunctionDef) and stmt.name == name:
        return not {base_name(d) for d in stmt.decorator_list} & {"setter", "deleter"}
    return isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name


def _class_def(module: str, cls: str, depth: int = 0) -> tuple[str, ast.ClassDef] | None:
    """(the stub module that defines it, its definition) of a class, through re-exports (`io.BytesIO`)."""
    tree = module_stub(module)
    if tree is None or depth > 3:
        return None
    found = next((n for n in top_level(tree.body) if isinstance(n, ast.ClassDef) and n.name == cls), None)
    if found is not None:
        return module, found
    origin = _imports(module).get(cls)
    if origin and "." in origin:
        return _class_def(*origin.rpartition(".")[::2], depth + 1)
    for star in _imports(module).get("*", "").split():  # `from .futures import *`
        if (found := _class_def(star, cls, depth + 1)) is not None:
            return found
    return None


def _base(module: str, base: ast.expr) -> tuple[str, str] | None:
    """(module, class) of a base class in a stub: of the stub, imported by it, or `module.Class`."""
    if isinstance(base, ast.Subscript):  # `Generic[T]`, `MutableSequence[str]`
        base = base.value
    if isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
        return _imports(module).get(base.value.id, base.value.id), base.attr
    if isinstance(base, ast.Name):
        origin = _imports(module).get(base.id)
        return origin.rpartition(".")[::2] if origin else (module, base.id)
    return None


@functools.lru_cache(maxsize=256)
def _imports(module: str) -> dict[str, str]:
    """Local name -> dotted origin, for the stub's imports (`import _socket`, `from os import PathLike`)."""
    tree = module_stub(module)
    found: dict[str, str] = {}
    for node in top_level(tree.body if tree is not None else []):
        if isinstance(node, ast.Import):
            found.update({a.asname or a.name: a.name for a in node.names})
        elif isinstance(node, ast.ImportFrom) and (source := _source(module, node)):
            for a in node.names:
                if a.name == "*":
                    found["*"] = f"{found.get('*', '')} {source}".strip()
                else:
                    found[a.asname or a.name] = f"{source}.{a.name}"
    return found


def _source(module: str, node: ast.ImportFrom) -> str | None:
    """The module an import of a stub reads from (`from ._base import Future` in `concurrent.futures`)."""
    if not node.level:
        return node.module
    for package in (module, module.rpartition(".")[0]):  # the stub's package: itself if an `__init__`
        base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
        source = f"{base}.{node.module}" if node.module else base
        if base and module_stub(source) is not None:
            return source
    return None


def method_defs(dotted: str, name: str) -> tuple[str, list[ast.FunctionDef]] | None:
    """(the stub module, the defs: one, or its overloads) of method `name` of the stdlib class
    `dotted` or of its nearest base that defines it; None when no stub class defines it as a method."""
    module, _, cls = dotted.rpartition(".")
    found = _owner(module, cls, name) if module else None
    if found is None:
        return None
    defs = [f for f in top_level(found[1].body) if isinstance(f, ast.FunctionDef) and f.name == name]
    return (found[0], defs) if defs else None


def class_origin(dotted: str) -> str | None:
    """Where the stubs define the class `dotted` names, through re-exports (`ast.AST` -> `_ast.AST`
    in stubs that define it there), or None when the stubs have no such class."""
    module, _, cls = dotted.rpartition(".")
    found = _class_def(module, cls) if module else None
    return f"{found[0]}.{found[1].name}" if found is not None else None


def writable(annotation: ast.expr | None, module: str, receiver: str, spell=None) -> str | None:
    """The annotation of stub `module` as type text a file can write (`Self` is the receiver), or
    None.  Builtins, typing's names and the classes `KNOWN_IMPORTS` knows are written bare; other
    classes only as `spell(origin)` writes them, if given (how the file names `_ast.AST`: `ast.AST`)."""
    if annotation is None:
        return None
    # (str's overloads for literal strings take and give the same as the others to a caller)
    text = normalize(re.sub(r"\bLiteralString\b", "str", ast.unparse(full_generators(annotation))))
    if text is None:
        return None
    imports = _imports(module)
    through = {n.attr: f"{imports[n.value.id]}.{n.attr}" for n in ast.walk(annotation) if isinstance(
        n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in imports}  # `transports.BaseTransport`
    spelled = {}
    for name in head_names(text):
        if name == "Self" or name in BUILTIN_NAMES or name in _TYPING:
            continue
        origin = imports.get(name) or through.get(name, f"{module}.{name}")
        if origin == f"{KNOWN_IMPORTS.get(name)}.{name}":
            continue
        spelled[name] = spell(origin) if spell is not None else None
        if spelled[name] is None:
            return None
    for name, local in spelled.items():
        text = re.sub(rf"(?<![\w.])\b{re.escape(name)}\b", local, text)
    return re.sub(r"\bSelf\b", receiver, text)


def speller(imports: dict[str, str]):
    """`spell` for `writable` in a file with these imports (local name -> dotted origin): a stdlib
    class given where the stubs define it is written by a name the file imports (`Name`), or
    through a module it imports (`ast.Name`); None when the file can name it neither way."""
    def spell(origin: str) -> str | None:
        key = class_origin(origin)
        if key is None:
            return None
        name = origin.rpartition(".")[2]
        for local, source in imports.items():
            if local == name and class_origin(source) == key:
                return local
        home = key.rpartition(".")[0]
        for local, source in imports.items():  # (the module that defines it: not `socket.SupportsIndex`)
            if (home in (source, f"_{source}") or home.startswith(source + ".")) and \
                    class_origin(f"{source}.{name}") == key:
                return f"{local}.{name}"
        return None
    return spell
