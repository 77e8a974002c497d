"""Reuse across versions of one document: parse trees of unchanged code and per-unit slot evidence.

An editor sends the whole text after each keystroke, but an edit touches one
place.  `reparse` parses only the top-level statements around the changed
lines and keeps the (line-shifted) trees of the rest, falling back to a full
parse whenever the changed chunk does not parse on its own — so the tree is
always the one `ast.parse` would give.  `DocumentMemo` keeps, per top-level
statement ("unit"), the static evidence and features of its slots, keyed by
the unit's text and the texts of every unit it refers to by name (transitively)
plus what the file imports and defines; a unit whose key is unchanged is not
re-inferred.  Predictions are memoised by their feature vector, so the model
scores only slots whose features changed.
"""

from __future__ import annotations

import ast
import bisect
import copy
import hashlib
import re

from pulsedev.models.types.context import FileContext

_ODD_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BIND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def unit_start(node: ast.stmt) -> int:
    """1-based first line of a top-level statement, decorators included."""
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno


def _shift(node: ast.AST, delta: int) -> None:
    """Moves every position in `node`'s subtree by `delta` lines (in place).

    The positioned nodes of a subtree are listed once and kept on its root, so moving an
    unchanged statement again (every edit above it) costs a loop, not a walk.
    """
    flat = node.__dict__.get("_pulsedev_flat")
    if flat is None:
        flat = node._pulsedev_flat = [n for n in ast.walk(node) if "lineno" in n._attributes]
    for n in flat:
        n.lineno += delta
        if n.end_lineno is not None:
            n.end_lineno += delta


def _is_code(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def reparse(old_lines: list[str] | None, old_tree: ast.Module | None, text: str,
            lines: list[str] | None = None) -> ast.Module:
    """The tree of `text`, parsing only what changed since `old_lines`/`old_tree` (raises SyntaxError).

    Every top-level statement of the old tree whose lines reappear, in order, from a line at
    column 0 is kept.  The text between kept statements is parsed on its own, or together
    with a neighbour when it does not parse alone (an added `else:`, an indented line that
    continues a def, a decorator); the whole text is parsed when that fails too.  Pieces
    that each parse alone and start at column 0 parse the same together, so the result
    equals `ast.parse(text)`.  A changed class whose header is unchanged is spliced the same
    way one level down: its unchanged methods are kept and only the changed ones parsed.
    Kept nodes are shifted in place when lines were added or removed above them: the old
    tree must not be used afterwards.
    """
    new_lines = lines if lines is not None else text.splitlines(keepends=True)
    if old_tree is None or old_lines is None or not old_tree.body:
        return ast.parse(text)
    if old_lines == new_lines:
        return old_tree
    body = _splice(old_tree.body, old_lines, new_lines, 0, len(new_lines), 0)
    return ast.Module(body=body, type_ignores=[]) if body is not None else ast.parse(text)


def _parse_piece(new_lines: list[str], a: int, b: int, indent: int) -> list[ast.stmt] | None:
    """The statements of new lines [a, b) at `indent` (0: module level; else a class body), or None."""
    piece = "".join(new_lines[a:b])
    try:
        if indent == 0:
            body = ast.parse(piece).body
            delta = a
        else:
            first = next((ln for ln in new_lines[a:b] if _is_code(ln)), "")
            if len(first) - len(first.lstrip(" ")) != indent or first[:1] == "\t":
                return None  # not a statement of this body (it continues the one before)
            body = ast.parse("class _:\n" + piece).body[0].body
            delta = a - 1
    except (SyntaxError, ValueError, IndexError):
        return None
    for node in body:
        _shift(node, delta)
    return body


def _splice(old_body: list[ast.stmt], old_lines: list[str], new_lines: list[str], lo: int, hi: int,
            indent: int) -> list[ast.stmt] | None:
    """The statements of new lines [lo, hi), reusing `old_body`'s unchanged ones; None if it cannot."""
    starts: dict[str, list[int]] = {}
    for i in range(lo, hi):
        line = new_lines[i]
        if line[indent:indent + 1] not in ("", " ", "\t", "\r", "\n", "#") and not line[:indent].strip():
            starts.setdefault(line, []).append(i)
    kept: list[tuple[ast.stmt, int, int, int]] = []  # (old node, first line, end exclusive, old index)
    pos, last_end = lo, 0
    for k, node in enumerate(old_body):
        start, end = unit_start(node) - 1, node.end_lineno
        if start < last_end:  # two statements on one line (`a = 1; b = 2`)
            return None
        last_end = end
        old = old_lines[start:end]
        cands = starts.get(old[0], ()) if old else ()
        for c in cands[bisect.bisect_left(cands, pos):]:
            if c + end - start <= hi and new_lines[c:c + end - start] == old:
                kept.append((node, c, c + end - start, k))
                pos = c + end - start
                break
    out: list[ast.stmt] = []
    j, at = 0, lo
    while True:
        gap_hi = kept[j][1] if j < len(kept) else hi
        if any(_is_code(line) for line in new_lines[at:gap_hi]):
            lo_old = kept[j - 1][3] + 1 if j > 0 else 0
            hi_old = kept[j][3] if j < len(kept) else len(old_body)
            done = _class_in_gap(old_body[lo_old:hi_old], old_lines, new_lines, at, gap_hi, indent)
            if done is not None:
                out.extend(done)
                at = gap_hi
            else:
                prev = j > 0 and bool(out) and out[-1] is kept[j - 1][0]
                tries = [(at, gap_hi, False, False)]
                if prev:
                    tries.append((kept[j - 1][1], gap_hi, True, False))
                if j < len(kept):
                    tries.append((at, kept[j][2], False, True))
                    if prev:
                        tries.append((kept[j - 1][1], kept[j][2], True, True))
                for a, b, with_prev, with_next in tries:
                    chunk = _parse_piece(new_lines, a, b, indent)
                    if chunk is not None:
                        break
                else:
                    return None
                if with_prev:
                    out.pop()
                out.extend(chunk)
                at = b
                if with_next:
                    j += 1
                    continue
        if j >= len(kept):
            break
        node, c, at, _ = kept[j]
        if c != unit_start(node) - 1:
            _shift(node, c - (unit_start(node) - 1))
        out.append(node)
        j += 1
    return out


def _class_in_gap(candidates: list[ast.stmt], old_lines: list[str], new_lines: list[str], lo: int, hi: int,
                  indent: int) -> list[ast.stmt] | None:
    """A changed top-level class alone in new lines [lo, hi) with its header unchanged, spliced by method."""
    if indent != 0 or len(candidates) != 1 or not isinstance(candidates[0], ast.ClassDef):
        return None
    cls = candidates[0]
    if not cls.body:
        return None
    start, body_start = unit_start(cls) - 1, unit_start(cls.body[0]) - 1
    header = old_lines[start:body_start]
    first = next((i for i in range(lo, hi) if _is_code(new_lines[i])), None)
    if first is None or new_lines[first:first + len(header)] != header:
        return None
    end = first + len(header)  # the class runs to the next line of code at column 0
    while end < hi and not (_is_code(new_lines[end]) and not new_lines[end][:1].isspace()):
        end += 1
    if any(_is_code(line) for line in new_lines[end:hi]):
        return None  # more than the class changed here
    body_indent = cls.body[0].col_offset
    body = _splice(cls.body, old_lines, new_lines, first + len(header), end, body_indent)
    if not body:
        return None
    delta = first - start
    new = copy.copy(cls)
    new.__dict__.pop("_pulsedev_flat", None)  # its body is new
    for node in [*cls.decorator_list, *cls.bases, *cls.keywords]:
        _shift(node, delta)
    new.lineno = cls.lineno + delta
    new.body = body
    new.end_lineno, new.end_col_offset = body[-1].end_lineno, body[-1].end_col_offset
    return [new]


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=12)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _bound(node: ast.stmt) -> set[str]:
    """Names a top-level statement binds at module scope (function bodies excluded)."""
    names: set[str] = set()
    stack: list[ast.AST] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, _BIND):
            names.add(n.name)  # not its body: members are reached through the name
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            continue  # imported names: every unit's key has the file's imports (DocumentMemo.interface)
        stack.extend(ast.iter_child_nodes(n))
    return names


def _referenced(node: ast.AST, skip_methods: bool = False) -> set[str]:
    """Every identifier a statement mentions (names and attribute names); a class's methods left out."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        for child in ast.iter_child_nodes(n):
            if not (skip_methods and n is node and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))):
                stack.append(child)
    return out


def unit_of(slot, tree: ast.Module, cache: dict | None = None) -> ast.AST:
    """The unit holding a slot: its top-level statement, or the method of a top-level class."""
    top = _last_before(tree.body, (slot.cls or slot.func or slot.node).lineno)
    if isinstance(top, ast.ClassDef) and slot.node is not top:
        line = (slot.func or slot.node).lineno
        methods = cache.get(id(top)) if cache is not None else None
        if methods is None:
            methods = [m for m in top.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            if cache is not None:
                cache[id(top)] = methods
        m = _last_before(methods, line) if methods else None
        if m is not None and m.lineno <= line <= m.end_lineno:
            return m
    return top


def _last_before(nodes: list, line: int):
    lo, hi = 0, len(nodes) - 1
    while lo < hi:  # the last node starting at or before `line`
        mid = (lo + hi + 1) // 2
        if nodes[mid].lineno <= line:
            lo = mid
        else:
            hi = mid - 1
    return nodes[lo]


def _components(edges: list[list[int]]):
    """Strongly connected components (Tarjan, iterative), each after those it depends on.

    Yields (members, the nodes of other components that members point to).
    """
    index, low, on, stack, counter = {}, {}, set(), [], 0
    for root in range(len(edges)):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            if i < len(edges[v]):
                work.append((v, i + 1))
                w = edges[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            for w in edges[v]:
                if w in on and low[w] < low[v]:
                    low[v] = low[w]
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                members = set(comp)
                yield comp, {k for m in comp for k in edges[m] if k not in members}


def _unit_info(node: ast.stmt) -> tuple[set[str], set[str], list[tuple[int, int, ast.stmt]]]:
    """(names bound, identifiers mentioned, imports with their breadth-first (depth, order))."""
    refs: set[str] = set()
    imports = []
    queue, depth, order = [node], 1, 0
    while queue:  # breadth first, level by level, as ast.walk visits a module
        nxt = []
        for n in queue:
            if isinstance(n, ast.Name):
                refs.add(n.id)
            elif isinstance(n, ast.Attribute):
                refs.add(n.attr)
            elif isinstance(n, (ast.Import, ast.ImportFrom)):
                imports.append((depth, order, n))
            order += 1
            nxt.extend(ast.iter_child_nodes(n))
        queue, depth = nxt, depth + 1
    return _bound(node), refs, imports


class DocumentMemo:
    """Per-document state carried from one analysed version to the next."""

    def __init__(self):
        self.salt = ""  # what else evidence depends on (the engine's index and model generation)
        self.lines: list[str] | None = None
        self.tree: ast.Module | None = None
        self._units: dict[str, tuple] = {}  # unit text digest -> (bound, referenced, imports)
        self._scan: tuple | None = None  # (tree, unit digests, unit infos) of the current version
        self.evidence: dict[tuple, tuple] = {}  # (unit key, slot key) -> (Evidence, features before peers)
        self._next_evidence: dict[tuple, tuple] = {}
        self.predictions: dict[tuple, tuple] = {}
        self._next_predictions: dict[tuple, tuple] = {}

    def parse(self, text: str) -> ast.Module:
        """The tree of `text`, reusing the previous version's (raises SyntaxError)."""
        if _ODD_BREAKS.search(text):  # str.splitlines would not count lines as the parser does
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
            d = _digest(unit)
            info = self._units.get(d)
            if info is None:
                if isinstance(node, ast.ClassDef) and "import" not in unit:  # its pieces are looked at apart
                    info = ({node.name}, set(), [])
                else:
                    info = _unit_info(node)
                self._units[d] = info
            digests.append(d)
            infos.append(info)
        if len(self._units) > 8 * len(digests) + 256:  # (method and class-head pieces are kept here too)
            live = set(digests)
            self._units = {d: v for d, v in self._units.items() if d in live}
        self._scan = (tree, digests, infos)
        return tree

    def context(self, tree: ast.Module, module: str, index) -> FileContext:
        """`FileContext(tree, module, index)`, without walking the whole tree for its imports."""
        if self._scan is None or self._scan[0] is not tree:
            return FileContext(tree, module, index)
        imports = sorted((depth, u, order, node) for u, info in enumerate(self._scan[2])
                         for depth, order, node in info[2])
        ctx = FileContext(ast.Module(body=[t[3] for t in imports], type_ignores=[]), module, index)
        ctx.tree = tree
        for node in tree.body:  # as FileContext.__init__ does
            if isinstance(node, ast.ClassDef):
                ctx.classes[node.name] = node
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                ctx.functions[node.name] = node
        return ctx

    def unit_keys(self, tree: ast.Module, interface: str) -> dict[int, str]:
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
                    md = _digest("".join(lines[lo:hi]))
                    minfo = self._units.get(md)
                    if minfo is None:
                        minfo = self._units[md] = (set(), _referenced(m), [])
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
            hd = _digest(*text)
            hinfo = self._units.get(hd)
            if hinfo is None:
                hinfo = self._units[hd] = (set(), _referenced(node, skip_methods=True), [])
            pieces[head] = (node, hd, {node.name}, hinfo[1])
            if init is not None:  # `self.x` types come from `__init__`
                for j, deps in extra.items():
                    if j > head and j != init and deps == [head]:
                        deps.append(init)
        binders: dict[str, list[int]] = {}
        for i, (node, _, bound, _) in enumerate(pieces):
            if i not in owner:
                for name in bound:
                    binders.setdefault(name, []).append(i)
        edges = []
        for j in range(len(pieces)):
            local = methods.get(owner.get(j, j), {})  # inside a class, `self.name` reaches its methods
            edges.append(sorted({*extra.get(j, ()), *(k for name in pieces[j][3]
                                                     for k in (*binders.get(name, ()), *local.get(name, ())))} - {j}))
        keys: dict[int, str] = {}
        for comp, outside in _components(edges):  # dependencies first
            key = _digest(interface, *sorted(pieces[j][1] for j in comp), *sorted({keys[id(pieces[k][0])]
                                                                                     for k in outside}))
            for j in comp:
                keys[id(pieces[j][0])] = key
        return keys

    def get_evidence(self, key: tuple):
        """Cached (Evidence, features) of a slot under its unit key, kept for the next version."""
        hit = self.evidence.get(key)
        if hit is not None:
            self._next_evidence[key] = hit
        return hit

    def put_evidence(self, key: tuple, value: tuple) -> None:
        """Records a slot's evidence and features for later versions."""
        self._next_evidence[key] = value

    def get_prediction(self, key: tuple):
        """A cached model output for a feature vector."""
        hit = self.predictions.get(key)
        if hit is not None:
            self._next_predictions[key] = hit
        return hit

    def put_prediction(self, key: tuple, value: tuple) -> None:
        """Records a model output for later versions."""
        self._next_predictions[key] = value

    def commit(self, partial: bool = False) -> None:
        """Ends a version: only what it used is kept (bounded memory); after a range, all is kept."""
        if partial and len(self.evidence) < 50_000:
            self.evidence.update(self._next_evidence)
            self.predictions.update(self._next_predictions)
            self._next_evidence, self._next_predictions = {}, {}
            return
        self.evidence, self._next_evidence = self._next_evidence, {}
        self.predictions, self._next_predictions = self._next_predictions, {}

    def interface(self, ctx) -> str:
        """What every unit may depend on: the file's imports and the names it defines."""
        return _digest(self.salt, repr(sorted(ctx.imports.items())), ",".join(sorted(ctx.classes)),
                       ",".join(sorted(ctx.functions)))
