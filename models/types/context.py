"""What one file defines and imports, for inference: classes, functions, imported names.

`FileContext` also memoises per-file results (function returns, `self.x`
attribute types, function environments) and links to the workspace index
for names imported from other workspace modules.  How the file writes a
class's own type is selftype.py's; what a library's name is taken for,
typelike.py's.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from pulsedev.models.types import stdclasses
from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.members import base_name
from pulsedev.models.types.typelike import class_like
from pulsedev.models.types.typetext import normalize

if TYPE_CHECKING:  # a cycle at run time: infer.py builds on this module
    from pulsedev.models.types.infer import Env

#: Bases that make a class an enum: its members (`RED = 1`) are instances of it.
_ENUMS = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum"}


class FileContext:
    """What a file defines and imports, plus the workspace index for cross-file returns."""

    def __init__(self, tree: ast.Module, module: str = "", index=None):
        self.tree, self.module, self.index = tree, module, index
        #: Argument types at the calls of this file's defs (callsites.CallSites): the workspace's, or None.
        self.calls = getattr(index, "callsites", None)
        self.classes: dict[str, ast.ClassDef] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.imports: dict[str, str] = {}  # local name -> dotted origin
        self.assignments: dict[str, ast.expr] = {}  # module-level `NAME = value`
        self.add_top_level(tree.body)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self.imports[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                base = resolve_relative(module, node.module, node.level, module in getattr(index, "packages", ()))
                for a in node.names:
                    if a.name != "*":
                        self.imports[a.asname or a.name] = f"{base}.{a.name}" if base else a.name
        self._returns: dict[int, str | None] = {}
        self._busy: set[int] = set()
        self._attrs: dict[str, dict[str, str | None]] = {}
        self._envs: dict[tuple[int, int], Env] = {}
        # What names.py reads of names (memoised): class name -> its words, the exceptions and typing
        # constructs among them, parameter name -> the classes it fits, alias key -> type aliases.
        self.class_words: dict[str, tuple[str, ...]] | None = None
        self.raising: set[str] = set()
        self.module_classes: dict[str, tuple[str, ...]] | None = None  # `ssl.SSLContext` -> its words
        self.fits: dict[str, list[tuple[str, list[str]]]] = {}
        self.alias_keys: dict[str, list[str]] | None = None
        self.bound_class_keys: set[str] | None = None
        self._methods: dict[int, ast.ClassDef] | None = None
        self._members: dict = {}  # class name -> members.Members, memoised by members.own_members
        self._elsewhere: dict[tuple[str, str], str | None] = {}  # (class, attribute) -> set_elsewhere
        self._stating: set[int] = set()  # defs whose parameters' rules are being read (scope._stated)
        self._params: dict[tuple[int, bool, bool], object] = {}  # params.parameter_evidence, memoised
        self.isinstance_checks: dict[int, dict[str, set[str]]] = {}  # def id -> tracefit.isinstance_checks, memoised

    def forget_inferred(self) -> None:
        """Drops memoised scopes, returns and attributes (after `calls` changed what they would be)."""
        self._envs.clear()
        self._returns.clear()
        self._attrs.clear()
        self._elsewhere.clear()
        self._params.clear()

    def add_top_level(self, body: list[ast.stmt]) -> None:
        """Records the module-level classes, functions and assignments of `body`."""
        for node in body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assignments[node.targets[0].id] = node.value
            elif isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[node.name] = node

    def is_class_name(self, name: str) -> bool:
        """True when `name` is a class defined in or imported into this file."""
        if name in self.classes:
            return True
        origin = self.imports.get(name)
        if origin is None:
            return False
        if self.index is not None and self.index.is_class(origin):
            return True
        return class_like(origin.rsplit(".", 1)[-1])

    def function_return(self, func) -> str | None:
        """The annotated or inferred return type of a def of this file (memoised)."""
        key = id(func)
        if key in self._returns:
            return self._returns[key]
        if key in self._busy:
            return None
        self._busy.add(key)
        if func.returns is not None:
            result = normalize(func.returns)
        else:
            from pulsedev.models.types.static import (
                infer_return,  # the rules build on this module
            )

            result = infer_return(func, self, self._owner(func)).type
        self._busy.discard(key)
        self._returns[key] = result
        return result

    def _owner(self, func) -> ast.ClassDef | None:
        """The top-level class a def is a method of, if any."""
        if self._methods is None:
            self._methods = {id(m): c for c in self.classes.values() for m in c.body
                             if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        return self._methods.get(id(func))

    def module_constant(self, name: str, imported: bool = True) -> tuple[FileContext, ast.expr] | None:
        """(the context of its module, its value) for a module-level `NAME = value` of the file or,
        when `imported`, one it imports from a workspace module (as last saved)."""
        value = self.assignments.get(name)
        if value is not None:
            return self, value
        origin = self.imports.get(name) if imported and self.index is not None else None
        return self.index.constant(origin) if origin else None

    def origin(self, name: str) -> str | None:
        """The dotted name of a top-level name the file defines (`module.name`) or imports, or None."""
        return f"{self.module}.{name}" if name in self.classes else self.imports.get(name)

    def member_type(self, class_name: str, name: str, call: bool) -> str | None:
        """What `obj.name()` (`call`) or `obj.name` gives for an `obj` of a workspace class, as the
        index has the class's module (see `own_member_type`).  For a class of this file that is the
        file as last saved: following the open text would make a unit depend on every same-named
        member of the file, tie most of a big file together and re-infer it at each keystroke
        (incremental.py); the index changes only on a save, and then every analysis starts afresh.
        A class the file does not bind is the workspace's of that name (a type inferred in another
        module: `runner.instruments` is an `Instruments`)."""
        origin = self.origin(class_name) if self.index is not None else None
        if origin is None and self.index is not None and class_name in self.index.classes and not (
                class_name in self.assignments or class_name in self.functions):
            origin = f"{self.index.classes[class_name]}.{class_name}"
        found = self.index.member_type(origin, name, call) if origin else None
        return _as_receiver(found, class_name) if found is not None else self._library_member(class_name, name, call)

    def _library_member(self, class_name: str, name: str, call: bool) -> str | None:
        """`member_type` for a standard-library class (`Path`, imported or as `KNOWN_IMPORTS` knows it)."""
        origin = self.library_class(class_name)
        return stdclasses.member_type(origin, name, call, class_name, stdclasses.speller(self.imports)) \
            if origin is not None else None

    def generic_method_type(self, receiver: str, name: str) -> str | None:
        """What `obj.name()` gives for an `obj` of a generic standard-library class the file writes
        with its arguments (`_WORD.sub(...)` for a `Pattern[str]` is a `str`)."""
        head = receiver.partition("[")[0]
        module, _, cls = head.rpartition(".")
        origin = f"{self.imports[module]}.{cls}" if module in self.imports else self.library_class(head)
        return stdclasses.generic_method_type(origin, name, receiver, stdclasses.speller(self.imports)) \
            if origin is not None else None

    def operator_type(self, class_name: str, dunder: str, other: str) -> str | None:
        """What `a <op> b` gives for an `a` of a standard-library class (`path / "x"` is a `Path`,
        `now - then` a `timedelta`), `dunder` naming the operator and `other` the type of `b`."""
        origin = self.library_class(class_name)
        return stdclasses.operator_type(origin, dunder, other, class_name) if origin is not None else None

    def library_class(self, class_name: str) -> str | None:
        """The dotted name of a standard-library class the file names, or None (a class of the workspace)."""
        if class_name in self.classes or (self.index is not None and class_name in self.index.classes
                                          and class_name not in self.imports):
            return None
        origin = self.imports.get(class_name) or (
            f"{KNOWN_IMPORTS[class_name]}.{class_name}" if class_name in KNOWN_IMPORTS else None)
        return None if origin is None or (self.index is not None and self.index.defines(origin)) else origin

    def own_member_type(self, class_name: str, name: str, call: bool) -> str | None:
        """`member_type` for a class of this file (see `class_member_type`)."""
        cls = self.classes.get(class_name)
        return None if cls is None else _as_receiver(self.class_member_type(cls, name, call), class_name)

    def class_member_type(self, cls: ast.ClassDef, name: str, call: bool) -> str | None:
        """What `obj.name()` (`call`) or `obj.name` gives for an instance of `cls`: a method's return,
        a property's, or the type of an attribute `__init__` sets.  Inherited members are not looked
        up; an async method gives nothing."""
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                prop = any(isinstance(d, ast.Name) and d.id in ("property", "cached_property")
                           for d in stmt.decorator_list)
                if isinstance(stmt, ast.AsyncFunctionDef) or prop == call:
                    return None
                return self.function_return(stmt)
        if call:
            return self._made_by(cls, name)
        from pulsedev.models.types.assigned import (
            set_elsewhere,  # the rules build on this module
        )

        attrs = self.class_attrs(cls)
        return attrs[name] if name in attrs else set_elsewhere(self, cls, name)

    def _made_by(self, cls: ast.ClassDef, name: str) -> str | None:
        """What `self.name()` makes when the class body sets `name` to a class (`response_class =
        Response`, a factory a subclass may replace with its own subclass): one of that class."""
        value = getattr(_binding(cls, name), "value", None)
        return value.id if isinstance(value, ast.Name) and self.is_class_name(value.id) else None

    def enum_member(self, class_name: str, attr: str) -> bool:
        """Whether `class_name.attr` is a member of an enum class of the file or the workspace."""
        cls = self.classes.get(class_name)
        if cls is None and self.index is not None and (origin := self.imports.get(class_name)):
            cls = (self.index.class_home(origin) or (None, None))[1]
        return cls is not None and any(base_name(b) in _ENUMS for b in cls.bases) and isinstance(
            _binding(cls, attr), ast.Assign)

    def class_attrs(self, cls: ast.ClassDef) -> dict[str, str | None]:
        """Types of `self.x` attributes set in `__init__` or annotated in the class body."""
        if cls.name in self._attrs:
            return self._attrs[cls.name]
        attrs: dict[str, str | None] = {}
        self._attrs[cls.name] = attrs
        for stmt in cls.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                attrs[stmt.target.id] = normalize(stmt.annotation)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__":
                from pulsedev.models.types.infer import infer
                from pulsedev.models.types.scope import function_env

                env = function_env(stmt, self, cls)
                for node in ast.walk(stmt):
                    if isinstance(node, (ast.Assign, ast.AnnAssign)):
                        t = node.targets[0] if isinstance(node, ast.Assign) else node.target
                        if (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                                and t.value.id == "self"):
                            typ = (normalize(node.annotation) if isinstance(node, ast.AnnAssign)
                                   else infer(node.value, env, self))
                            if t.attr in attrs and attrs[t.attr] != typ:
                                attrs[t.attr] = None
                            else:
                                attrs[t.attr] = typ
        return attrs


def _as_receiver(t: str | None, class_name: str) -> str | None:
    """A member's type as seen from outside its class: `Self` is the class it was read on."""
    return re.sub(r"\bSelf\b", class_name, t) if t and "Self" in t else t


def resolve_relative(module: str, name: str | None, level: int, package: bool = False) -> str:
    """The absolute module of a (possibly relative) `from` import in `module`; a `package` (its
    `__init__.py`) is its own `.`.

    >>> resolve_relative("pkg.sub.mod", "things", 1), resolve_relative("pkg.sub", "things", 1, package=True)
    ('pkg.sub.things', 'pkg.sub.things')
    >>> resolve_relative("pkg.sub.mod", None, 2), resolve_relative("pkg.sub", None, 2, package=True)
    ('pkg', 'pkg')
    """
    if not level:
        return name or ""
    parts = module.split(".") if module else []
    parts = parts[: max(0, len(parts) - level + package)]
    if name:
        parts.append(name)
    return ".".join(parts)


def _binding(cls: ast.ClassDef, name: str) -> ast.Assign | ast.AnnAssign | None:
    """The first statement of a class body that assigns `name` (`RED = 1`, `factory: type = Box`)."""
    for stmt in cls.body:
        targets = (stmt.targets if isinstance(stmt, ast.Assign)
                   else [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return stmt
    return None
