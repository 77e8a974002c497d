"""How a value is used where it is read: feature names for the type model, and the types uses imply.

`usage` lists the uses of a name inside a def (methods called on it,
attributes read, operators, iteration, subscripts, the calls it is passed
to, isinstance and None checks, truth tests); `use_of` classifies one use,
so the same names describe a parameter, a name a def returns, and the result
of a call where its callers use it (callsites.py).  The static rules of
params.py read three types off a parameter's uses: a `bool` whose truth alone
is tested (`only_truth_tested`), a `str` or `bytes` used as text
(`text_use`), an `int` used as one (`int_use`).
"""

from __future__ import annotations

import ast


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


def recent_uses(func: ast.AST) -> tuple[dict, frozenset[str]]:
    """(`parents(func)`, the names the def binds), kept for the last def asked: the rules below
    read each parameter of a def in turn, one after another (one def's walk is kept, never a tree's)."""
    found = _recent(func)
    return found[1], frozenset(found[2])


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
            end = _IN_LOOP if looped or at is None else (at.end_lineno, at.end_col_offset)
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


def only_truth_tested(func: ast.AST, name: str) -> bool:
    """Whether every read of a name in a def tests its truth (`if silent:`, `while not done`,
    `a if flag else b`, `if x and flag:`), and there is one."""
    index, stored = recent_uses(func)
    return name not in stored and truth_only(index.get(name, []))


def truth_only(uses: list) -> bool:
    """Whether every one of the uses, (node, parent, grandparent) as `parents` lists them, tests
    the value's truth, and there is one."""
    tests = (ast.If, ast.While, ast.IfExp, ast.Assert)
    for node, p, gp in uses:
        if (isinstance(p, ast.UnaryOp) and isinstance(p.op, ast.Not)) or isinstance(p, ast.BoolOp):
            node, p = p, gp  # `not flag`, `a and flag`: tested if what they make is
            if isinstance(p, ast.BoolOp) or (isinstance(p, ast.UnaryOp) and isinstance(p.op, ast.Not)):
                continue  # (`not a and flag`: deeper than this reads; a truth test still)
        if not (isinstance(p, tests) and p.test is node):
            return False
    return bool(uses)


#: Methods that of the builtin types only `str` has, or only `bytes` (and `bytearray`).
_STR_ONLY = {"encode", "format", "format_map", "casefold", "isidentifier", "isdecimal", "isnumeric",
             "isprintable"}
_BYTES_ONLY = {"decode", "hex"}
#: Methods that `str` and `bytes` share (not the sequences' `index` and `count`): one called on a
#: name that nothing else tells makes it a `str`, the far more common (110 of 122 parameters in
#: seven sets of packages).
_TEXTUAL = {m for m in dir(str) if not m.startswith("_") and hasattr(bytes, m)} - {"index", "count"}
#: Methods that `str` and `bytes` share, telling one from the other by a literal argument.
TEXT_SHARED = {"startswith", "endswith", "split", "rsplit", "strip", "lstrip", "rstrip", "replace", "find",
           "rfind", "index", "rindex", "count", "partition", "rpartition", "removeprefix", "removesuffix"}


def text_use(func: ast.AST, name: str) -> str | None:
    """`str` or `bytes` when how a def uses a name (before it binds it again, outside a loop) tells
    which, and nothing says otherwise: a method only one of them has (`raw.encode()`,
    `data.decode()`), a shared one given a literal (`path.startswith("/")`), `==` or `in` against
    literals, `+` with a literal; else a method both have (`name.lower()`) makes it a `str`.  Uses
    that fit neither (another attribute, an isinstance test, a None check) say nothing."""
    uses = uses_before_rebinding(func, name)
    return text_of(uses) if uses is not None else None


def text_of(uses: list) -> str | None:
    """`str` or `bytes` when the uses, as `parents` lists them, tell which (see `text_use`)."""
    kinds, textual = set(), False
    for node, p, gp in uses:
        kind = _text_kind(node, p, gp)
        if kind == "?":
            return None
        if kind is not None:
            kinds.add(kind)
        textual = textual or (isinstance(p, ast.Attribute) and p.attr in _TEXTUAL)
    if not kinds and textual:
        kinds.add("str")
    return kinds.pop() if len(kinds) == 1 else None


def _text_kind(node: ast.expr, p: ast.AST | None, gp: ast.AST | None) -> str | None:
    """"str" or "bytes" when this use tells, "?" when it contradicts both, else None."""
    if isinstance(p, ast.Attribute):
        if not (isinstance(gp, ast.Call) and gp.func is p) or (not hasattr(str, p.attr) and not hasattr(bytes, p.attr)):
            return "?"
        if p.attr in _STR_ONLY or p.attr in _BYTES_ONLY:
            return "str" if p.attr in _STR_ONLY else "bytes"
        return literal_kind(gp.args) if p.attr in TEXT_SHARED else None
    if isinstance(p, ast.Compare):
        others = [c for c in [p.left, *p.comparators] if c is not node]
        if any(isinstance(c, ast.Constant) and c.value is None for c in others):
            return "?"
        if all(isinstance(op, (ast.Eq, ast.NotEq)) for op in p.ops):
            return literal_kind(others)
        if p.left is node and len(p.ops) == 1 and isinstance(p.ops[0], (ast.In, ast.NotIn)) and isinstance(
                p.comparators[0], (ast.Tuple, ast.List, ast.Set)):
            return literal_kind(p.comparators[0].elts, every=True)
        return None
    if isinstance(p, ast.BinOp) and isinstance(p.op, ast.Add):
        return literal_kind([p.right if p.left is node else p.left])
    if isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id == "isinstance":
        return "?"
    return None


def literal_kind(nodes: list, every: bool = False) -> str | None:
    """The one of str and bytes that the literals among `nodes` are (all of them, if `every`)."""
    kinds = {"str" if isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
             else "bytes" if isinstance(n, ast.Constant) and isinstance(n.value, bytes) else None for n in nodes}
    if every and None in kinds:
        return None
    kinds.discard(None)
    return kinds.pop() if len(kinds) == 1 else None


_INT_OPS = (ast.Add, ast.Sub, ast.FloorDiv, ast.Mod, ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)
_NOT_INT_CALLS = {"isinstance", "float", "str", "len", "iter", "list", "tuple", "dict", "set", "callable"}


def int_use(func: ast.AST, name: str) -> bool:
    """Whether how a def uses a name (before it binds it again) makes it an int: a slice bound
    (`data[start:end]`), an argument of `range`, integer arithmetic with an int literal
    (`n + 1`, `x // 2`), or, beside one of these, an ordering against one (`n < 0` alone is as
    often a float's).  Another attribute, subscript, iteration, a float or None nearby: not."""
    uses = uses_before_rebinding(func, name)
    return uses is not None and int_of(uses)


def int_of(uses: list) -> bool:
    """Whether the uses, as `parents` lists them, make the value an int (see `int_use`)."""
    telling = False
    for node, p, _ in uses:
        if isinstance(p, ast.Slice) or (isinstance(p, ast.Call) and isinstance(p.func, ast.Name)
                                        and p.func.id == "range" and node in p.args):
            telling = True
        elif isinstance(p, ast.Compare):
            others = [c for c in [p.left, *p.comparators] if c is not node]
            if {type(c.value) for c in others if isinstance(c, ast.Constant)} - {int}:
                return False
        elif isinstance(p, ast.BinOp):
            other = p.right if p.left is node else p.left
            if not isinstance(other, ast.Constant) or type(other.value) is not int or not isinstance(p.op, _INT_OPS):
                return False
            telling = True
        elif isinstance(p, (ast.Attribute, ast.Subscript, ast.Starred)) or (
                isinstance(p, (ast.For, ast.AsyncFor, ast.comprehension)) and p.iter is node) or (
                isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id in _NOT_INT_CALLS):
            return False
    return telling

