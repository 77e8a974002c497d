"""The workspace index: which modules, classes and functions the workspace defines.

Built once in the background (parse only; return types are inferred lazily
and memoised), so that static inference can follow calls across files
(`from .util import load` then `x = load()`), constructors of workspace classes
are known as classes, and rendering knows where a class can be imported from.
Then, also in the background, the argument types at every call of the
workspace (`callsites`), the evidence for parameters that callers give, and
the types the workspace gives each field and parameter name (byname.py).
Test folders are left out but for their `conftest.py` files, whose pytest
fixtures (`fixtures`) type the parameters of tests, with what the project's
pytest configuration says are tests (`collection`).
"""

from __future__ import annotations

import ast
import hashlib
import threading
from pathlib import Path

from pulsedev.models.types.byname import field_types, parameter_types
from pulsedev.models.types.collection import Collection, read_collection
from pulsedev.models.types.corpus import TEST_DIRS, python_files
from pulsedev.models.types.fixtures import fixture_name
from pulsedev.models.types.receivers import attribute_classes, methods_by_name
from pulsedev.models.types.slots import is_implicit_first, is_overload
from pulsedev.models.types.stdlib import read_members


def module_name(root: Path, file: Path) -> str:
    """Dotted module name of a file relative to the workspace root (`pkg/a.py` -> `pkg.a`)."""
    try:
        rel = file.resolve().relative_to(root.resolve())
    except ValueError:
        return file.stem
    parts = list(rel.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    if parts and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts)


def _annotated(tree: ast.Module) -> bool:
    """True when a module has at least two annotated defs (training material).  `@overload`
    signatures and an annotated `self` are not: no slot is labelled from them, so a workspace
    of those alone would train the same model again under another key."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not is_overload(node) and (
                node.returns is not None or any(
                    a.annotation is not None and not is_implicit_first(node, a, in_class=False)
                    for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs])):
            count += 1
            if count >= 2:
                return True
    return False


class WorkspaceIndex:
    """Modules of the workspace by dotted name, with lazily inferred function returns."""

    def __init__(self, root: Path | None, max_files: int = 3000):
        self.root, self.max_files = root, max_files
        self.trees: dict[str, ast.Module] = {}
        self.classes: dict[str, str] = {}  # class name -> module (first seen)
        self.packages: set[str] = set()  # modules that are packages (`pkg.sub` of `pkg/sub/__init__.py`)
        self._contexts: dict[str, object] = {}
        self.annotated: set[str] = set()  # hashed names of annotated files (the model depends on them)
        self._lock = threading.RLock()
        self.ready = False
        self.callsites = None  # CallSites over every file, once `build_callsites` has run
        self.peers: dict[str, frozenset[tuple[str, str]]] = {}  # parameter name -> (type, rule) over the workspace
        self.fields: dict[str, frozenset[str]] = {}  # field name -> the types classes declare it with (ditto)
        self._derived: dict[str, list] = {}  # base name -> (module, ClassDef) deriving from it (`subclasses`)
        self.fixtures: dict[str, list[str]] = {}  # pytest fixture name -> the modules defining one (fixtures.py)
        self.collection = Collection()  # what pytest collects as tests here (its configuration, read by `build`)
        self._methods: dict[str, list] | None = None  # method name -> (module, def) of the classes (receivers.py)
        self.having: dict[str, frozenset[str]] = {}  # attribute -> the classes that have it (receivers.py; ditto)

    def build(self, should_stop=lambda: False, pause=lambda: None) -> None:
        """Parses every workspace file (in the calling, background thread).

        `pause()` is called between files: the engine blocks there while a hint request is
        being answered, so indexing never holds the interpreter lock against it.
        """
        if self.root is None:
            self.ready = True
            return
        self.collection = read_collection(self.root)
        for f in python_files(self.root, self.max_files, conftests=True):
            pause()
            if should_stop():
                return
            try:
                text = f.read_text(encoding="utf-8")
                tree = ast.parse(text)
            except (OSError, UnicodeDecodeError, SyntaxError, ValueError, RecursionError):
                continue
            module = module_name(self.root, f)
            if text.count("->") >= 2 and not TEST_DIRS & set(f.relative_to(self.root).parts) and _annotated(tree):
                self.annotated.add(hashlib.sha256(module.encode()).hexdigest()[:12])
            self.update(module, tree)
        read_members(pause)  # (once, here in the background rather than on a hint request)
        self.ready = True

    def build_callsites(self, should_stop=lambda: False, pause=lambda: None) -> None:
        """Records the argument types at every call of the workspace (callsites.py), in the background."""
        from pulsedev.models.types.callsites import ROUNDS, CallSites

        for n in range(ROUNDS):
            table = CallSites(results=n == ROUNDS - 1)
            for module in list(self.trees):
                pause()
                if should_stop():
                    return
                try:
                    table.add_module(self.context(module))
                except RecursionError:
                    continue
            with self._lock:
                self.callsites = table
                self._contexts = {}  # made again on demand, with what the calls pass (their returns may change)
        self.fields = field_types(self)
        self.having = attribute_classes(self, should_stop, pause)
        self.peers = parameter_types(self, should_stop, pause)

    def replace(self, module: str, text: str) -> bool:
        """Takes a module's new text (a save); False when it does not parse.  What other modules'
        contexts inferred through the old one is dropped with them."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return False
        with self._lock:
            self.update(module, tree)
            self._contexts = {}
        return True

    def remove(self, module: str) -> bool:
        """Forgets a deleted module; False when it was not indexed."""
        with self._lock:
            if self.trees.pop(module, None) is None:
                return False
            self._contexts = {}
            self._derived, self._methods = {}, None
            self._rebuild_names()  # what the module added goes with it
            return True

    def update(self, module: str, tree: ast.Module) -> None:
        """Records (or replaces) one module's tree."""
        with self._lock:
            replaced = self.trees.get(module)
            self.trees[module] = tree
            self._contexts.pop(module, None)
            self._derived, self._methods = {}, None
            if replaced is None:
                self._add_names(module, tree)
            else:  # a class it no longer defines goes (once per save, not per file of a build)
                self._rebuild_names()

    def _rebuild_names(self) -> None:
        self.classes, self.packages, self.fixtures = {}, set(), {}
        for name, tree in self.trees.items():
            self._add_names(name, tree)

    def _add_names(self, module: str, tree: ast.Module) -> None:
        """Adds the packages a module is in, the classes it defines (a class's first module is kept)
        and its pytest fixtures."""
        self.packages.update(module.rsplit(".", n)[0] for n in range(1, module.count(".") + 1))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                self.classes.setdefault(node.name, module)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list \
                    and (name := fixture_name(node)) is not None:
                self.fixtures.setdefault(name, []).append(module)

    def _split(self, dotted: str) -> tuple[str, str] | None:
        mod, _, _ = dotted.rpartition(".")
        while mod:
            if mod in self.trees:
                return mod, dotted[len(mod) + 1:]
            mod, _, _ = mod.rpartition(".")
        return None

    def subclasses(self, name: str) -> list:
        """(FileContext, ClassDef) of the workspace's classes deriving from a class called `name`."""
        from pulsedev.models.types.members import subclasses

        with self._lock:
            found = self._derived.get(name)
            if found is None:  # once per name until the trees change: it reads every module
                items = list(self.trees.items())
                home = {id(c): module for module, tree in items for c in tree.body if isinstance(c, ast.ClassDef)}
                found = self._derived[name] = [(home[id(c)], c) for c in subclasses([t for _, t in items], name)]
        return [(self.context(module), c) for module, c in found]

    def constant(self, dotted: str):
        """(FileContext of its module, value) of a module-level `NAME = value` `pkg.mod.NAME`, or None."""
        found = self._top_level(dotted)
        value = found[0].assignments.get(found[1]) if found else None
        return (found[0], value) if value is not None else None

    def defines(self, dotted: str) -> bool:
        """True when `dotted` is in a module of the workspace."""
        return self._split(dotted) is not None

    def is_class(self, dotted: str) -> bool:
        """True when `dotted` names a class defined in the workspace."""
        return self.top_level_def(dotted, "classes") is not None  # (followed where a package re-exports it)

    def context(self, module: str):
        """The `FileContext` of a workspace module, made once (again after the call sites are in)."""
        from pulsedev.models.types.static import FileContext

        with self._lock:
            ctx = self._contexts.get(module)
            if ctx is None:
                ctx = self._contexts[module] = FileContext(self.trees[module], module, self)
            return ctx

    def _top_level(self, dotted: str, hops: int = 3):
        """(FileContext of its module, name) for a top-level name `pkg.mod.name` of the workspace, or None.
        A name the module imports from another module of the workspace is followed there (up to `hops`
        imports): a package's `__init__` re-exporting its submodules' classes (`ds.ETags()`)."""
        found = self._split(dotted)
        if not found or "." in found[1]:
            return None
        ctx, name = self.context(found[0]), found[1]
        origin = ctx.imports.get(name)
        if hops and origin and origin != dotted and not (name in ctx.functions or name in ctx.classes or
                                                         name in ctx.assignments):
            return self._top_level(origin, hops - 1) or (ctx, name)
        return ctx, name

    def member_type(self, dotted: str, name: str, call: bool) -> str | None:
        """What `obj.name()` (`call`) or `obj.name` gives for an `obj` of a workspace class `pkg.mod.Class`."""
        found = self._top_level(dotted)
        return found[0].own_member_type(found[1], name, call) if found else None

    def class_home(self, dotted: str):
        """(FileContext of its module, ClassDef) of a workspace class `pkg.mod.Class`, or None."""
        return self.top_level_def(dotted, "classes")

    def top_level_def(self, dotted: str, kind: str):
        """(FileContext of its module, node) of a workspace class or def (`kind`: "classes" or
        "functions") `pkg.mod.Name`, or None."""
        found = self._top_level(dotted)
        node = getattr(found[0], kind).get(found[1]) if found else None
        return (found[0], node) if node is not None else None

    def function_return(self, dotted: str) -> str | None:
        """Annotated or inferred return type of a workspace function `pkg.mod.func` (or None)."""
        found = self._top_level(dotted)
        if not found:
            return None
        ctx, name = found
        func = ctx.functions.get(name)
        if func is None:
            return name if name in ctx.classes else None
        if isinstance(func, ast.AsyncFunctionDef):
            return None
        return ctx.function_return(func)

    def methods_named(self, name: str) -> list:
        """(module, def) of each method `name` of the workspace's top-level classes (receivers.py)."""
        with self._lock:
            if self._methods is None:
                self._methods = methods_by_name(self.trees)
            return [(m, f) for m, f in self._methods.get(name, ()) if m in self.trees]
