"""What instances of a workspace class have, and whether a parameter's use fits a class.

A parameter named `state` that reads `state.pos` and `state.posMax` is far
more likely a `StateInline` when that class has both, and hardly one when it
reads `state.bMarks`, which only `StateBlock` sets.  `members` collects the
names a class defines (methods, class-body names, `self.x` set in any method)
with those of its bases in the workspace; `fit` compares them with what a def
reads of a parameter.  The static rules for parameters attach the result to
their candidate (static.py), and the model learns how far each outcome is to
be trusted.

For a class of the workspace, the index's copy of its module is read: the
file as last saved (see `FileContext.member_type` for why).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulsedev.models.types.typetext import normalize, split_union, without_none
from pulsedev.models.types.units import per_node

if TYPE_CHECKING:
    from pulsedev.models.types.context import FileContext

#: Bases that add no attributes a parameter's use would read.
PLAIN_BASES = {"object", "Generic", "Protocol", "ABC"}


@dataclass(frozen=True)
class Members:
    """The attribute names of a class's instances; `complete` when every base was followed, so
    that a name missing here is missing from the class."""

    names: frozenset[str]
    complete: bool


def members(ctx: FileContext, class_name: str) -> Members | None:
    """The members of a class this file defines or imports (None when the class is not known)."""
    home = _class_home(ctx, class_name)
    return own_members(home[0], home[1].name) if home is not None else None


def own_members(ctx: FileContext, class_name: str, seen: frozenset[str] = frozenset()) -> Members | None:
    """The members of a class defined in this file, with those of its bases (memoised)."""
    if class_name in ctx._members:
        return ctx._members[class_name]
    cls = ctx.classes.get(class_name)
    if cls is None or class_name in seen:
        return None
    names: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(stmt.name)
            names.update(n.attr for n in ast.walk(stmt) if isinstance(n, ast.Attribute) and isinstance(
                n.ctx, ast.Store) and isinstance(n.value, ast.Name) and n.value.id == "self")
        elif isinstance(stmt, ast.Assign):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    complete = True
    for base in cls.bases:
        inherited = _base_members(ctx, base, seen | {class_name})
        if inherited is None:
            complete = False
        elif inherited is not True:
            names |= inherited.names
            complete = complete and inherited.complete
    found = ctx._members[class_name] = Members(frozenset(names), complete)
    return found


def _base_members(ctx: FileContext, base: ast.expr, seen: frozenset[str]) -> Members | bool | None:
    """A base's members; True for a base that adds none; None when they cannot be known."""
    if isinstance(base, ast.Subscript):  # Generic[T], Base[int]
        base = base.value
    name = base_name(base)
    if name in PLAIN_BASES:
        return True
    if not isinstance(base, ast.Name):
        return None
    return own_members(ctx, name, seen) if name in ctx.classes else members(ctx, name)  # imported


def is_stub_body(func) -> bool:
    """True for defs whose body is only a docstring, `...`, `pass` or `raise NotImplementedError`."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if not body:
        return True
    if len(body) == 1:
        s = body[0]
        if isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                       and s.value.value is Ellipsis):
            return True
        if isinstance(s, ast.Raise):
            return True
    return False


def override_return(ctx: FileContext, cls: ast.ClassDef, name: str) -> tuple[str, int] | None:
    """What the subclasses' overrides of a stub method `cls.name` return (the type and how many
    say so), when every override's return is known and they agree.  Subclasses are found by the
    name of their base, in the workspace as last saved, or in the file when there is no index."""
    if ctx.index is not None:
        found = ctx.index.subclasses(cls.name)
    else:
        found = [(ctx, c) for c in subclasses([ctx.tree], cls.name)]
    returns = [sub_ctx.function_return(stmt) for sub_ctx, sub in found for stmt in methods(sub, name)
               if not is_stub_body(stmt)]
    if not returns or None in returns or len(set(returns)) != 1:
        return None
    return returns[0], len(returns)


def methods(cls: ast.ClassDef, name: str) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The defs called `name` in a class body (more than one with property setters)."""
    return [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name]


def subclasses(trees, name: str) -> list[ast.ClassDef]:
    """The top-level classes of `trees` that derive from a class called `name`, at any depth."""
    classes = [c for tree in trees for c in tree.body if isinstance(c, ast.ClassDef)]
    out, todo, seen = [], [name], {name}
    while todo:
        base = todo.pop()
        for c in classes:
            if c.name not in seen and any(base_name(b) == base for b in c.bases):
                seen.add(c.name)
                out.append(c)
                todo.append(c.name)
    return out


def common_base(ctx: FileContext, types: list[str | None]) -> list[str | None]:
    """The types with their workspace classes replaced by their nearest common workspace base, when
    they are two or more and every member is such a class (`GzipDecoder | DeflateDecoder` ->
    `ContentDecoder`, `BasicAuth | Auth` -> `Auth`): what an annotation of several of them says."""
    named = {m for t in types for m in without_none(t)}
    if len(named) < 2 or any(not m.isidentifier() for m in named):
        return types
    lines = [_ancestors(ctx, m) for m in sorted(named)]
    if not all(lines):
        return types
    base = next((b for b in lines[0] if all(b in line for line in lines[1:])), None)
    if base is None:
        return types
    return [t if t is None or t == "None" else base + (" | None" if "None" in split_union(t) else "") for t in types]


def _ancestors(ctx: FileContext, name: str) -> list[str]:
    """A workspace class's name and those of its workspace bases at any depth, nearest first
    ([] when `name` is not a class of the workspace that the file can see)."""
    return [c.name for _, c in class_homes(ctx, name)]  # not an alias it is imported as


def class_homes(ctx: FileContext, name: str) -> list[tuple[FileContext, ast.ClassDef]]:
    """(context, definition) of a workspace class and of its workspace bases at any depth, nearest
    first ([] when `name` is not a class of the workspace that the file can see)."""
    out: list[tuple[FileContext, ast.ClassDef]] = []
    todo = [(ctx, name)]
    while todo and len(out) < 30:
        here, n = todo.pop(0)
        home = _class_home(here, n)
        if home is None or any(c.name == home[1].name for _, c in out):
            continue
        out.append(home)
        todo += [(home[0], b) for b in map(base_name, home[1].bases) if b and b not in PLAIN_BASES
                 and not b.endswith("Mixin")]  # a mixin adds behaviour; it is not what its users are
    return out


def _class_home(ctx: FileContext, name: str) -> tuple[FileContext, ast.ClassDef] | None:
    """The context and definition of a class the file defines or imports; as last saved when there
    is an index (as `members` reads them)."""
    if ctx.index is None:
        return (ctx, ctx.classes[name]) if name in ctx.classes else None
    origin = ctx.origin(name)
    return ctx.index.class_home(origin) if origin else None


def base_name(base: ast.expr) -> str:
    """The class name a base expression names (`Base`, `mod.Base`, `Generic[T]`), or ""."""
    if isinstance(base, ast.Subscript):
        base = base.value
    return base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""


def declarations(cls: ast.ClassDef) -> dict[str, ast.expr]:
    """name -> annotation of the fields a class body declares (`attr: T`)."""
    return {st.target.id: st.annotation for st in cls.body if isinstance(st, ast.AnnAssign)
            and isinstance(st.target, ast.Name)}


def declared_field(slot) -> tuple[str, str] | None:
    """(attribute, type) when a method stores a parameter as `self.attr = param` and its class
    body declares `attr: T` (a dataclass-like field, or a declaration for type checkers)."""
    declared = declarations(slot.cls) if slot.cls is not None else {}
    if not declared:
        return None
    for attr in _stores(slot.func).get(slot.name, ()):
        typ = normalize(declared[attr]) if attr in declared else None
        if typ is not None:
            return attr, typ
    return None


@per_node
def _stores(func: ast.AST) -> dict[str, list[str]]:
    """name -> the `self.attr`s `func` stores it in, in order (one walk per def)."""
    stores: dict[str, list[str]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name):
            stores.setdefault(node.value.id, []).extend(
                t.attr for t in node.targets if isinstance(t, ast.Attribute)
                and isinstance(t.value, ast.Name) and t.value.id == "self")
    return stores


def read_attributes(func: ast.AST, name: str) -> set[str]:
    """The attributes a def reads or calls on a name (`p.pos`, `p.scan()`), dunders aside."""
    return set(_reads(func).get(name, ()))


@per_node
def _reads(func: ast.AST) -> dict[str, set[str]]:
    """name -> the attributes `func` reads or calls on it (one walk per def, not one per parameter)."""
    reads: dict[str, set[str]] = {}
    for n in ast.walk(func):
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load) and isinstance(n.value, ast.Name) \
                and not n.attr.startswith("__"):
            reads.setdefault(n.value.id, set()).add(n.attr)
    return reads


def fit(ctx: FileContext, func: ast.AST, name: str, class_name: str) -> tuple[str, list[str]] | None:
    """Whether what `func` reads of parameter `name` fits `class_name`: ("found", the attributes) when
    the class has all of them, ("missing", those it lacks) when it surely lacks some, else None."""
    used = read_attributes(func, name)
    if not used:
        return None
    have = members(ctx, class_name)
    if have is None:
        return None
    lacking = sorted(used - have.names)
    if not lacking:
        return "found", sorted(used)
    return ("missing", lacking) if have.complete else None
