"""The types a name's uses imply, for the static rules of params.py and fielduse.py.

A `bool` whose truth alone is tested (`only_truth_tested`), a `str` or `bytes`
used as text (`text_use`: `raw.encode()`, `path.startswith("/")`), an `int`
used as one (`int_use`: `data[:n]`, `range(n)`, `n + 1`); each reads the uses
as `usage.parents` lists them, (node, parent, grandparent), so that the uses
of a field over its class (fielduse.py) are read alike.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.usage import recent_uses, uses_before_rebinding


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

