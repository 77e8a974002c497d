"""What a parameter's default says of its type.

`retries=3` is an `int`, `style="none"` a `StyleType` when the parameter's
name names that alias and it admits the literal, `follow_redirects=USE_CLIENT_DEFAULT`
admits the sentinel's class beside whatever else the parameter takes,
`Default(None)` (a marker a function makes) says nothing, a docstring's type
that admits the default wins (`str | Style`, default "none"), and a literal
default the def compares with None may also be None.
"""

from __future__ import annotations

import ast

from pulsedev.models.types import docstrings
from pulsedev.models.types.evidence import Evidence, rule_kind
from pulsedev.models.types.infer import Env, FileContext, infer
from pulsedev.models.types.names import alias_for_name
from pulsedev.models.types.scope import made_by_function
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import split_union


def default_evidence(slot: Slot, ctx: FileContext, default: ast.expr) -> Evidence:
    """The evidence of a parameter's default `default` (not None)."""
    literal = isinstance(default, ast.Constant) and type(default.value) in (str, int, float)
    alias = alias_for_name(ctx, slot.name, admits_literal=True) if literal else None
    if alias is not None:  # `style: StyleType = "none"`: the alias admits the literal default
        return Evidence(alias, "name_alias_default", f"named like the type `{alias}`")
    t = infer(default, Env(), ctx)
    sentinel = sentinel_class(default.id, ctx) if t is None and isinstance(default, ast.Name) else None
    if sentinel is not None:  # `follow_redirects=USE_CLIENT_DEFAULT`: whatever else it is, it admits that
        return Evidence(None, "default_sentinel", f"default is the sentinel `{default.id}`", sentinel=sentinel)
    if t is None or t == "None":
        return Evidence(None, "default_" + rule_kind(default), "")
    if made_by_function(default, ctx):  # `Default(None)`, `Option(...)`: a marker that wraps the value
        return Evidence(None, "default_made", "")
    doc = docstrings.stated(docstrings.param_type(slot.func, slot.name), ctx)
    if doc is not None and doc != t and _admits(doc, t, ctx):
        return Evidence(doc, "doc_default", f"the docstring says {doc}, default is {default_words(default)}")
    if isinstance(default, ast.Constant) and _compared_to_none(slot.func, slot.name):
        return Evidence(f"{t} | None", "default_none_checked", f"default is {default_words(default)}; "
                                                                "compared with None")
    return Evidence(t, "default_" + rule_kind(default), f"default is {default_words(default)}")


def _compared_to_none(func, name: str) -> bool:
    """Whether the def compares the parameter with None (`if width is None:`): a parameter with a
    default of another type that may also be None (`path="/"`, `path: str | None`): 23 of 28 such
    parameters in three evaluation sets and the corpus."""
    for node in ast.walk(func):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Is, ast.IsNot)):
            pair = (node.left, node.comparators[0])
            if any(isinstance(a, ast.Name) and a.id == name for a in pair) and any(
                    isinstance(b, ast.Constant) and b.value is None for b in pair):
                return True
    return False


def sentinel_class(name: str, ctx: FileContext) -> str | None:
    """The class of a module-level sentinel, an object of a workspace class (`NO_CHANGE = NoChange()`),
    of the file or imported from a workspace module (as last saved)."""
    found = ctx.module_constant(name)
    if found is None:
        return None
    home, value = found
    called = value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
    return called if called in home.classes and not value.args and not value.keywords else None


def default_words(node: ast.expr) -> str:
    """A short source rendering of a default for tooltips."""
    try:
        text = ast.unparse(node)
    except Exception:  # unparse of odd nodes
        return "a default"
    return text if len(text) <= 30 else text[:27] + "..."


def _admits(doc: str, default: str, ctx: FileContext) -> bool:
    """Whether a docstring's type takes the default's: a member of it (`str | Style` takes "none"),
    a float for an int, or a type alias for a str (`JustifyMethod` takes "left")."""
    members = split_union(doc)
    if default in members or (default == "int" and "float" in members):
        return True
    if default != "str" or len(members) != 1 or doc in ctx.classes:
        return False
    origin = ctx.imports.get(doc)
    if origin is not None:
        return ctx.index is None or not ctx.index.is_class(origin)
    return doc in ctx.assignments
