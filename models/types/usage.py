"""How a value is used where it is read: feature names for the type model, and the uses of a def's names.

`usage` lists the uses of a name inside a def (methods called on it,
attributes read, operators, iteration, subscripts, the calls it is passed
to, isinstance and None checks, truth tests); `use_of` classifies one use,
so the same names describe a parameter, a name a def returns, and the result
of a call where its callers use it (callsites.py).  `recent_uses` and
`uses_before_rebinding` give the uses of a def's names for the types they
imply (usetypes.py).
"""

from __future__ import annotations

import ast
from collections.abc import Collection


def callee_name(node: ast.expr) -> str:
    """The name a call's function goes by (`f`, `obj.meth` -> `meth`), or `?`."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return "?"


def parents(func: ast.AST) -> dict:
    """Loaded names of a def: name -> [(Name node, parent, grandparent)], in one walk."""
    out: dict[str, list] = {}
    stack = [(func, None, None)]
    load = ast.Load
    while stack:
        node, p, gp = stack.pop()
        if node.__class__ is ast.Name:
            if node.ctx.__class__ is load:
                out.setdefault(node.id, []).append((node, p, gp))
            continue
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for v in value:
                    if isinstance(v, ast.AST):
                        stack.append((v, node, p))
            elif isinstance(value, ast.AST):
                stack.append((value, node, p))
    return out


def parents_once(func: ast.AST, cache: dict[int, dict]) -> dict:
    """`parents(func)`, walked once per def while `cache` lives (keyed by the def's id)."""
    found = cache.get(id(func))
    if found is None:
        found = cache[id(func)] = parents(func)
    return found


_RECENT: tuple = (None, None, None)


def recent_uses(func: ast.AST) -> tuple[dict, Collection[str]]:
    """(`parents(func)`, the names the def binds), kept for the last def asked: the rules below
    read each parameter of a def in turn, one after another (one def's walk is kept, never a tree's)."""
    found = _recent(func)
    return found[1], found[2].keys()


def uses_before_rebinding(func: ast.AST, name: str) -> list | None:
    """The uses of a name (as `parents` lists them) up to the end of the statement that first binds
    it again (`if url.startswith("file:"): url = unquote(url[7:])`), which still read the value
    the def was given; None when a loop binds it (a use above may read the new value)."""
    index, stored = _recent(func)[1:]
    end = stored.get(name)
    if end is None:
        return index.get(name, [])
    return [u for u in index.get(name, []) if (u[0].lineno, u[0].col_offset) <= end] if end != _IN_LOOP else None


_IN_LOOP = (-1, -1)
_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)


def _recent(func: ast.AST) -> tuple:
    """(func, `parents(func)`, name -> where the first statement binding it again ends, or `_IN_LOOP`)."""
    global _RECENT
    if _RECENT[0] is func:
        return _RECENT
    stored: dict[str, tuple[int, int]] = {}
    stack: list[tuple[ast.AST, ast.AST | None, bool]] = [(func, None, False)]
    while stack:
        node, stmt, looped = stack.pop()
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            at = stmt if stmt is not None and not hasattr(stmt, "body") else node  # (`with f as f:` binds at once)
            end = _IN_LOOP if looped else (at.end_lineno, at.end_col_offset)
            if node.id not in stored or end == _IN_LOOP or (stored[node.id] != _IN_LOOP and end < stored[node.id]):
                stored[node.id] = end
            continue
        for child in ast.iter_child_nodes(node):
            stack.append((child, child if isinstance(child, ast.stmt) else stmt,
                          looped or (isinstance(node, _LOOPS) and node is not func)))
    _RECENT = (func, parents(func), stored)
    return _RECENT


def usage(func: ast.AST, name: str, index: dict) -> list[str]:
    """How a name is used inside a def, as feature names (`index` from `parents`)."""
    feats: list[str] = []
    for node, p, gp in index.get(name, ()):
        use_of(node, p, gp, feats)
    return feats


def use_of(node: ast.expr, p: ast.AST | None, gp: ast.AST | None, feats: list[str]) -> None:
    """Adds to `feats` how the value of `node` is used by its parent `p` (and grandparent `gp`):
    `x.encode()` is `meth=encode`, `for a in x` is `iterated`, `if x:` is `truth`."""
    if isinstance(p, ast.Attribute):
        if isinstance(gp, ast.Call) and gp.func is p:
            feats.append(f"meth={p.attr}")
        else:
            feats.append(f"attr={p.attr}")
    elif isinstance(p, ast.Subscript) and p.value is node:
        feats.append("subscripted")
        if isinstance(p.slice, ast.Constant):
            feats.append(f"sub={type(p.slice.value).__name__}")
    elif isinstance(p, ast.Call):
        if p.func is node:
            feats.append("called")
        else:
            callee = callee_name(p.func)
            if callee == "isinstance" and len(p.args) == 2:
                cls = p.args[1]
                for c in (cls.elts if isinstance(cls, ast.Tuple) else [cls]):
                    feats.append(f"isinst={callee_name(c)}")
            else:
                feats.append(f"arg_of={callee}")
                if node in p.args:
                    feats.append(f"argpos={callee}:{p.args.index(node)}")
    elif isinstance(p, ast.keyword):
        feats.append(f"kw={p.arg}")
    elif isinstance(p, (ast.For, ast.AsyncFor, ast.comprehension)) and p.iter is node:
        feats.append("iterated")
    elif isinstance(p, ast.Compare):
        consts = [c for c in [p.left, *p.comparators] if isinstance(c, ast.Constant)]
        if any(c.value is None for c in consts):
            feats.append("cmp_none")
        elif consts:
            feats.append(f"cmp={type(consts[0].value).__name__}")
        else:
            feats.append("cmp")
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in p.ops):
            feats.append("in_left" if p.left is node else "in_right")
    elif isinstance(p, ast.BinOp):
        feats.append(f"binop={type(p.op).__name__}")
        other = p.right if p.left is node else p.left
        if isinstance(other, ast.Constant):
            feats.append(f"binop_const={type(other.value).__name__}")
    elif isinstance(p, ast.AugAssign):
        feats.append(f"aug={type(p.op).__name__}")
    elif isinstance(p, ast.Return):
        feats.append("returned")
    elif isinstance(p, ast.Await):
        feats.append("awaited")
    elif isinstance(p, ast.withitem):
        feats.append("with")
    elif isinstance(p, ast.FormattedValue):
        feats.append("fstr")
    elif isinstance(p, (ast.If, ast.While, ast.BoolOp, ast.IfExp)) or (
            isinstance(p, ast.UnaryOp) and isinstance(p.op, ast.Not)):
        feats.append("truth")
    elif isinstance(p, ast.Assign):
        t = p.targets[0]
        if isinstance(t, ast.Attribute):
            feats.append(f"to_attr={t.attr}")
    elif isinstance(p, ast.Starred):
        feats.append("starred")
    elif isinstance(p, (ast.Tuple, ast.List)):
        feats.append("in_display")
    elif isinstance(p, ast.Dict):
        feats.append("dict_value" if node in p.values else "dict_key")
