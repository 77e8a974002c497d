"""What one file defines and imports, for inference: classes, functions, imported names.

`FileContext` also memoises per-file results (function returns, `self.x`
attribute types, function environments) and links to the workspace index
for names imported from other workspace modules.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pulsedev.models.types.typetext import normalize

if TYPE_CHECKING:  # a cycle at run time: infer.py builds on this module
    from pulsedev.models.types.infer import Env

GENERIC_CLASSES = {"defaultdict", "OrderedDict", "deque", "Counter", "ChainMap", "list", "dict", "set",
                   "frozenset", "tuple", "type", "object", "super", "property", "staticmethod", "classmethod"}


#: Abbreviations in parameter names, spelled out as class names spell them.
ABBREVIATIONS = {"conn": "connection", "req": "request", "resp": "response", "res": "response",
                 "ctx": "context", "cfg": "config", "conf": "config", "exc": "exception", "err": "error",
                 "msg": "message", "addr": "address", "evt": "event", "buf": "buffer", "db": "database",
                 "sess": "session", "tx": "transaction", "dt": "datetime", "proc": "process", "tmpl": "template",
                 "doc": "document", "elem": "element", "attr": "attribute", "param": "parameter",
                 "spec": "specification", "env": "environment", "repo": "repository", "dir": "directory"}
#: Last words of exception class names: a parameter is named after one only when it names the error.
_RAISED = {"error", "exception", "warning", "defect", "exit", "interrupt"}
_RAISING_MODULES = {"exceptions", "errors", "exc", "error", "exception"}
#: Their classes (`TypedDict`, `KeysView`) are named by a parameter only exactly.
_TYPING_MODULES = ("typing.", "typing_extensions.", "collections.abc.")
ALIAS_SUFFIXES = ("types", "type", "like", "input")
_TYPING_FORMS = {"Union", "Optional", "Callable", "Mapping", "Sequence", "Iterable", "Dict", "List", "Tuple",
                 "Type", "Awaitable", "Literal", "TypeVar", "NewType", "TypeAliasType"}


def _in_order(want: tuple[str, ...], have: tuple[str, ...]) -> bool:
    """True when the words of `want` appear in `have` in order (not necessarily adjacent)."""
    it = iter(have)
    return all(w in it for w in want)


def is_type_expr(node: ast.expr) -> bool:
    """True for the value of a type alias (`Union[...]`, `A | B`, `Callable[...]`, `NewType(...)`)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return True
    if isinstance(node, (ast.Subscript, ast.Call)):
        head = node.value if isinstance(node, ast.Subscript) else node.func
        name = head.attr if isinstance(head, ast.Attribute) else head.id if isinstance(head, ast.Name) else ""
        return name in _TYPING_FORMS or name in GENERIC_CLASSES
    return False


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
                base = resolve_relative(module, node.module, node.level)
                for a in node.names:
                    if a.name != "*":
                        self.imports[a.asname or a.name] = f"{base}.{a.name}" if base else a.name
        self._returns: dict[int, str | None] = {}
        self._busy: set[int] = set()
        self._attrs: dict[str, dict[str, str | None]] = {}
        self._envs: dict[tuple[int, int], Env] = {}
        self._class_tokens: dict[str, tuple[str, ...]] | None = None
        self._raising: set[str] = set()  # of those classes, the exceptions and typing constructs
        self._fits: dict[str, list[tuple[str, list[str]]]] = {}  # name -> `_fitting`
        self._alias_keys: dict[str, list[str]] | None = None
        self._methods: dict[int, ast.ClassDef] | None = None
        self._members: dict = {}  # class name -> members.Members, memoised by members.own_members
        self._elsewhere: dict[tuple[str, str], str | None] = {}  # (class, attribute) -> set_elsewhere
        self._stating: set[int] = set()  # defs whose parameters' rules are being read (scope._stated)
        self._params: dict[tuple[int, bool, bool], object] = {}  # params.parameter_evidence, memoised

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
        short = origin.rsplit(".", 1)[-1]
        return short[:1].isupper() and not short.isupper() and short not in GENERIC_CLASSES

    def class_for_name(self, name: str, narrow=None) -> tuple[str, str] | None:
        """A class defined in or imported into the file that a parameter's name names.

        Tried in order, each only when one class fits: `console` -> `Console` ("exact",
        common abbreviations spelled out: `conn` -> `Connection`); `options` -> `ConsoleOptions`
        ("suffix"); `parent_scope` -> `Scope` ("tail"); `state` -> `StateInline` ("prefix");
        `retry_state` -> `RetryCallState` ("contains": the name's words in order).  When several
        fit, `narrow(names)` may pick among them (how the parameter is used, see names.py).
        """
        for how, found in self._fitting(name):
            if len(found) > 1 and narrow is not None:
                found = narrow(sorted(found))
            if len(found) == 1:
                return found[0], how
            if found:
                return None
        return None

    def _fitting(self, name: str) -> list[tuple[str, list[str]]]:
        """For each test of `class_for_name` in order, the classes a name fits (once per name)."""
        from pulsedev.models.types.features import tokens

        if name in self._fits:
            return self._fits[name]
        if self._class_tokens is None:
            names = set(self.classes) | {n for n in self.imports if self.is_class_name(n)}
            self._class_tokens = {n: tuple(tokens(n)) for n in names if n[:1].isupper()}
            self._raising = {n for n, t in self._class_tokens.items() if self._raised(n, t)}
        want = tuple(ABBREVIATIONS.get(t, t) for t in tokens(name))
        classes = list(self._class_tokens.items()) if want else []
        if want and want[-1] not in _RAISED:  # `host` is not a HostChangedError, though `exc` is an Exception
            classes = [(n, t) for n, t in classes if t == want or n not in self._raising]
        tests = (("exact", lambda t: t == want),
                 ("suffix", lambda t: len(t) > len(want) and t[-len(want):] == want and len(want[-1]) > 2),
                 ("tail", lambda t: len(want) > len(t) and want[-len(t):] == t and len(t[-1]) > 3),
                 ("prefix", lambda t: len(want) == 1 and len(t) > 1 and t[0] == want[0] and len(want[0]) > 3),
                 ("contains", lambda t: len(t) > len(want) > 1 and _in_order(want, t)))
        self._fits[name] = [(how, [n for n, t in classes if test(t)]) for how, test in tests]
        return self._fits[name]

    def _raised(self, name: str, words: tuple[str, ...]) -> bool:
        """Whether a class is an exception (by its last word: `HostChangedError`, the module it comes
        from: `InvalidURL` from `._exceptions`, or, defined here, its bases) or a typing construct."""
        if words[-1] in _RAISED:
            return True
        origin = self.imports.get(name)
        if origin is not None:
            module = origin.rsplit(".", 2)[-2] if origin.count(".") else ""
            return module.strip("_") in _RAISING_MODULES or origin.startswith(_TYPING_MODULES)
        node = self.classes.get(name)
        return node is not None and any(
            (b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "").endswith(
                ("Error", "Exception", "Warning")) for b in node.bases)

    def alias_for_name(self, name: str) -> str | None:
        """A type alias of the file or imported into it that a parameter's name names.

        Libraries name the union a parameter accepts after it: `style: StyleType`,
        `cookies: CookieTypes`, `dtype: DTypeLike`.  Only aliases so suffixed count.
        """
        if self._alias_keys is None:
            names = [n for n, node in self.assignments.items() if is_type_expr(node)]
            names += [n for n in self.imports if n not in self.classes]
            keys: dict[str, list[str]] = {}
            for n in names:
                low = n.lower().replace("_", "")
                for suffix in ALIAS_SUFFIXES:
                    if low.endswith(suffix) and len(low) > len(suffix) and n[:1].isupper():
                        keys.setdefault(low[: -len(suffix)], []).append(n)
                        break
            self._alias_keys = keys
        want = name.lower().replace("_", "")
        found = self._alias_keys.get(want) or (self._alias_keys.get(want[:-1]) if want.endswith("s") else None)
        if found is None and want.endswith("ies"):
            found = self._alias_keys.get(want[:-3] + "y")
        return found[0] if found and len(found) == 1 else None

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
        (incremental.py); the index changes only on a save, and then every analysis starts afresh."""
        origin = self.origin(class_name) if self.index is not None else None
        return self.index.member_type(origin, name, call) if origin else None

    def own_member_type(self, class_name: str, name: str, call: bool) -> str | None:
        """`member_type` for a class of this file (see `class_member_type`)."""
        cls = self.classes.get(class_name)
        return None if cls is None else self.class_member_type(cls, name, call)

    def class_member_type(self, cls: ast.ClassDef, name: str, call: bool) -> str | None:
        """What `obj.name()` (`call`) or `obj.name` gives for an instance of `cls`: a method's return,
        a property's, or the type of an attribute `__init__` sets.  Inherited members are not looked
        up; an async method gives nothing."""
        for stmt in cls.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name:
                prop = any(isinstance(d, ast.Name) and d.id in ("property", "cached_property") for d in stmt.decorator_list)
                if isinstance(stmt, ast.AsyncFunctionDef) or prop == call:
                    return None
                return self.function_return(stmt)
        if call:
            return None
        from pulsedev.models.types.assigned import (
            set_elsewhere,  # the rules build on this module
        )

        attrs = self.class_attrs(cls)
        return attrs[name] if name in attrs else set_elsewhere(self, cls, name)

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

                env = function_env(stmt, self)
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


def resolve_relative(module: str, name: str | None, level: int) -> str:
    """The absolute module of a (possibly relative) `from` import."""
    if not level:
        return name or ""
    parts = module.split(".") if module else []
    parts = parts[: max(0, len(parts) - level)]
    if name:
        parts.append(name)
    return ".".join(parts)
