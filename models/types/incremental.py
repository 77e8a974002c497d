"""Per-document state carried from one analysed version to the next: `DocumentMemo`.

An editor sends the whole text after each keystroke, but an edit touches one
place.  `DocumentMemo.parse` reuses the previous version's tree (reparse.py
parses only the changed statements).  The memo keeps, per top-level statement
("unit"), the static evidence and features of its slots, keyed by the unit's
text, what it can see of every unit it refers to by name, and what the file
imports and defines (`unit_keys`, over the facts units.py gathers); a unit
whose key is unchanged is not re-inferred.  What a unit can see of a def is
its signature and inferred return (`_surface`), so typing inside a function
re-infers its callers only when its return type changes (early cutoff).
Predictions are memoised by their feature vector, so the model scores only
slots whose features changed.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.context import FileContext
from pulsedev.models.types.exits import always_raises
from pulsedev.models.types.lines import ODD_BREAKS
from pulsedev.models.types.reparse import reparse, unit_start
from pulsedev.models.types.units import components, digest, referenced, unit_info


class Carried:
    """A cache whose entries live on into the next version only if this version used them."""

    def __init__(self):
        self.now: dict[tuple, tuple] = {}
        self._next: dict[tuple, tuple] = {}

    def __len__(self) -> int:
        return len(self.now)

    def get(self, key: tuple):
        """The cached value (kept for the next version), or None."""
        hit = self.now.get(key)
        if hit is not None:
            self._next[key] = hit
        return hit

    def put(self, key: tuple, value: tuple) -> None:
        """Records a value for later versions."""
        self._next[key] = value

    def end_version(self, keep_all: bool) -> None:
        """Only what this version used is kept, unless `keep_all` (then new entries are added)."""
        if keep_all:
            self.now.update(self._next)
        else:
            self.now = self._next
        self._next = {}


class DocumentMemo:
    """Per-document state carried from one analysed version to the next."""

    def __init__(self):
        self.salt = ""  # what else evidence depends on (the engine's index and model generation)
        self.lines: list[str] | None = None
        self.tree: ast.Module | None = None
        self._units: dict[str, tuple] = {}  # unit text digest -> (bound, referenced, imports)
        self._scan: tuple | None = None  # (tree, unit digests, unit infos) of the current version
        self._surfaces: dict[str, str] = {}  # unit key -> what its dependents see of it (`_surface`)
        self.class_keys: dict[int, str] = {}  # id(top-level class) -> a key of all its pieces
        self.evidence = Carried()  # (unit key, slot key) -> (Evidence, features before peers)
        self.predictions = Carried()  # feature-vector key -> model output
        self.slots: dict = {}  # what `find_slots` reuses of the previous version's statements

    def parse(self, text: str) -> ast.Module:
        """The tree of `text`, reusing the previous version's (raises SyntaxError)."""
        if ODD_BREAKS.search(text):  # str.splitlines would not count lines as the parser does
            self.lines, self.tree, self._scan = None, None, None
            return ast.parse(text)
        lines = text.splitlines(keepends=True)
        try:
            tree = reparse(self.lines, self.tree, text, lines)
        except (SyntaxError, ValueError):
            self.lines, self.tree, self._scan = None, None, None  # reused nodes may have moved: start afresh
            raise
        self.lines, self.tree = lines, tree
        digests, infos = [], []
        for node in tree.body:
            unit = "".join(lines[unit_start(node) - 1:node.end_lineno])
            d = digest(unit)
            info = self._units.get(d)
            if info is None:
                if isinstance(node, ast.ClassDef):  # its pieces are looked at apart (unit_keys)
                    info = ({node.name}, set(), self._class_imports(node, lines) if "import" in unit else [])
                else:
                    info = unit_info(node)
                self._units[d] = info
            digests.append(d)
            infos.append(info)
        if len(self._units) > 8 * len(digests) + 256:  # (method and class-head pieces are kept here too)
            live = set(digests)
            self._units = {d: v for d, v in self._units.items() if d in live}
        self._scan = (tree, digests, infos)
        return tree

    def _class_imports(self, node: ast.ClassDef, lines: list[str]) -> list[tuple[int, int, ast.stmt]]:
        """The imports inside a class, in the breadth-first order `unit_info` gives, walking only the
        statements that import (each once per text): an edit in a big class does not re-walk it."""
        out = []
        for i, stmt in enumerate(node.body):
            text = "".join(lines[unit_start(stmt) - 1:stmt.end_lineno])
            if "import" not in text:
                continue
            key = "imports " + digest(text)
            found = self._units.get(key)
            if found is None:
                found = self._units[key] = unit_info(stmt)[2]
            # One level below the class; at a level, breadth first visits statement by statement.
            out += [(depth + 1, i << 32 | order, imp) for depth, order, imp in found]
        return out

    def context(self, tree: ast.Module, module: str, index) -> FileContext:
        """`FileContext(tree, module, index)`, without walking the whole tree for its imports."""
        if self._scan is None or self._scan[0] is not tree:
            return FileContext(tree, module, index)
        imports = sorted((depth, u, order, node) for u, info in enumerate(self._scan[2])
                         for depth, order, node in info[2])
        ctx = FileContext(ast.Module(body=[t[3] for t in imports], type_ignores=[]), module, index)
        ctx.tree = tree
        ctx.add_top_level(tree.body)  # as FileContext.__init__ does
        return ctx

    def unit_keys(self, tree: ast.Module, interface: str, ctx: FileContext | None = None) -> dict[int, str]:
        """id(unit) -> a key that changes when the unit or anything it names changes.

        Units are the top-level statements, except that a class is split into its methods
        and its head (the rest of the class): editing one method of a big class re-infers
        that method and what names it, not the whole class.  This mirrors what inference
        follows: a method depends on its class's head, its `__init__` (the types of `self.x`)
        and the methods it calls on `self`; code elsewhere sees a class through its name and
        head only (a constructor call gives the class), and a function through its whole text.
        """
        if self._scan is None or self._scan[0] is not tree:
            return {}
        _, own, infos = self._scan
        lines = self.lines
        pieces: list[tuple[ast.AST, str, set[str], set[str]]] = []  # (node, digest, bound, referenced)
        extra: dict[int, list[int]] = {}  # piece -> pieces it depends on whatever it names
        owner: dict[int, int] = {}  # method piece -> its class's head piece
        methods: dict[int, dict[str, list[int]]] = {}  # head piece -> method name -> pieces
        for node, d, info in zip(tree.body, own, infos):
            if not isinstance(node, ast.ClassDef):
                pieces.append((node, d, info[0], info[1]))
                continue
            head = len(pieces)
            pieces.append((node, "", {node.name}, set()))
            init, spans = None, []
            methods[head] = {}
            for m in node.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lo, hi = unit_start(m) - 1, m.end_lineno
                    md = digest("".join(lines[lo:hi]))
                    minfo = self._units.get(md)
                    if minfo is None:
                        minfo = self._units[md] = (set(), referenced(m), [])
                    spans.append((lo, hi))
                    extra[len(pieces)] = [head]
                    owner[len(pieces)] = head
                    methods[head].setdefault(m.name, []).append(len(pieces))
                    if m.name == "__init__":
                        init = len(pieces)
                    pieces.append((m, md, {m.name}, minfo[1]))
            start, text = unit_start(node) - 1, []
            for lo, hi in spans:  # the head: the class without its methods
                text.append("".join(lines[start:lo]))
                start = hi
            text.append("".join(lines[start:node.end_lineno]))
            hd = digest(*text)
            hinfo = self._units.get(hd)
            if hinfo is None:
                hinfo = self._units[hd] = (set(), referenced(node, skip_methods=True), [])
            pieces[head] = (node, hd, {node.name}, hinfo[1])
            if init is not None:  # `self.x` types come from `__init__`
                for j, deps in extra.items():
                    if j > head and j != init and deps == [head]:
                        deps.append(init)
        binders: dict[str, list[int]] = {}
        for i, (_, _, bound, _) in enumerate(pieces):
            if i not in owner:
                for name in bound:
                    binders.setdefault(name, []).append(i)
        edges = []
        for j in range(len(pieces)):
            local = methods.get(owner.get(j, j), {})  # inside a class, `self.name` reaches its methods
            edges.append(sorted({*extra.get(j, ()), *(k for name in pieces[j][3]
                                                     for k in (*binders.get(name, ()), *local.get(name, ())))} - {j}))
        keys: dict[int, str] = {}
        seen: dict[int, str] = {}  # piece -> what its dependents see of it
        surfaces: dict[str, str] = {}
        for comp, outside in components(edges):  # dependencies first
            key = digest(interface, *sorted(pieces[j][1] for j in comp), *sorted({seen[k] for k in outside}))
            surface = self._surfaces.get(key)
            if surface is None:
                members = [(pieces[j][0], pieces[owner[j]][0] if j in owner else None) for j in comp]
                surface = _surface(key, members, ctx)
            surfaces[key] = surface
            for j in comp:
                keys[id(pieces[j][0])] = key
                seen[j] = surface
        self._surfaces = surfaces
        # `self.x = []` (or None) takes its type from every method of the class (assigned.py).
        self.class_keys = {id(pieces[head][0]): digest(*(keys[id(pieces[j][0])] for j in (head, *(
            k for ks in found.values() for k in ks)))) for head, found in methods.items()}
        return keys

    def commit(self, partial: bool = False) -> None:
        """Ends a version: only what it used is kept (bounded memory); after a range, all is kept."""
        keep_all = partial and len(self.evidence) < 50_000
        self.evidence.end_version(keep_all)
        self.predictions.end_version(keep_all)

    def interface(self, ctx) -> str:
        """What every unit may depend on: the file's imports and the names it defines."""
        return digest(self.salt, repr(sorted(ctx.imports.items())), ",".join(sorted(ctx.classes)),
                      ",".join(sorted(ctx.functions)))


def _surface(key: str, members: list[tuple[ast.AST, ast.ClassDef | None]], ctx: FileContext | None) -> str:
    """What the rest of the file can see of a unit, so that an edit which leaves it unchanged does not
    re-infer the unit's dependents (early cutoff); a function of the unit's key alone.

    Of a def: its signature, the return type that `FileContext.function_return` gives (of an
    `__init__`, also the `self.x` types it sets) and whether it always raises (`always_raises`).
    Of a class head: its name, bases, decorators and the statements other than plain assignments
    (`x: int` says what `self.x` is; `x = 0` does not).
    Of anything else (a module-level assignment, an `if`), its key: its text and dependencies.
    """
    if ctx is None or not members:
        return key
    parts = []
    try:
        for n, cls in members:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                attrs = sorted(ctx.class_attrs(cls).items()) if cls is not None and n.name == "__init__" else ""
                parts.append(f"{type(n).__name__} {n.name} {ast.dump(n.args)} {_dumps(n.decorator_list)} "
                             f"{ast.dump(n.returns) if n.returns else ''} -> {ctx.function_return(n)!r} {attrs} "
                             f"{always_raises(n)}")
            elif isinstance(n, ast.ClassDef):
                seen = [stmt for stmt in n.body if not isinstance(stmt, (
                    ast.FunctionDef, ast.AsyncFunctionDef, ast.Assign, ast.Expr, ast.Pass))]
                parts.append(f"class {n.name} {_dumps(n.bases)} {_dumps(n.keywords)} {_dumps(n.decorator_list)} "
                             f"{_dumps(seen)}")
            else:
                return key
    except RecursionError:
        return key
    return digest(*parts)


def _dumps(nodes: list[ast.AST]) -> str:
    return "|".join(ast.dump(n) for n in nodes)
