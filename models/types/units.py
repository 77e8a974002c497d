"""What a unit (a top-level statement, or a method of a top-level class) binds and names.

The dependency facts `DocumentMemo.unit_keys` (incremental.py) builds its keys
from: the names a unit binds at module scope, the identifiers it mentions, the
imports it holds, the unit holding a slot, and the strongly connected
components of the "names" graph between units, dependencies first.  `digest`
is the short content hash all those keys are made of.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import weakref

_BIND = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def per_node(fn):
    """Memoises a function of one ast node for as long as the node lives, for facts about a def that
    one walk gathers for all its names.  Only facts that do not depend on lines: a reused node keeps
    its subtree when an edit elsewhere moves it (reparse.py shifts its lines in place)."""
    cache: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    @functools.wraps(fn)
    def memo(node):
        found = cache.get(node)
        if found is None:
            found = cache[node] = fn(node)
        return found

    return memo


def digest(*parts: str) -> str:
    """A short hash of text parts (each ended by a NUL)."""
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


def referenced(node: ast.AST, skip_methods: bool = False) -> set[str]:
    """Every identifier a statement mentions (names, attribute and parameter names); a class's methods
    left out."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Name):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, ast.arg):  # a test's parameter names the fixture pytest passes it (fixtures.py)
            out.add(n.arg)
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


def components(edges: list[list[int]]):
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


def unit_info(node: ast.stmt) -> tuple[set[str], set[str], list[tuple[int, int, ast.stmt]]]:
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
