"""The static candidate of a slot (`Evidence`): a type, the rule that found it, and why in words.

The rules live in static.py (returns, variables) and params.py (parameters);
the model learns from the rule names how far each is to be trusted, so a rule
is named for what it saw (`default_literal`, `ret_call`: see `rule_kind`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Evidence:
    """A static candidate for a slot: the type text and the rule that gave it, in words."""

    type: str | None
    rule: str  # short rule id used as a model feature
    words: str  # evidence as shown in the tooltip
    fit: str | None = None  # for a parameter's class: whether its use fits the class (members.fit)
    sentinel: str | None = None  # for a parameter defaulting to a sentinel object: its class, joined to any type


NO_EVIDENCE = Evidence(None, "none", "")


def rule_kind(node: ast.expr) -> str:
    """The kind of expression a rule saw, for its name (`ret_literal`, `default_call`, `value_name`)."""
    if isinstance(node, ast.Name) and node.id == "self":
        return "self"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cls":
        return "cls"
    if isinstance(node, ast.Constant):
        return "literal"
    if isinstance(node, ast.Call):
        return "call"
    if isinstance(node, (ast.Compare, ast.UnaryOp, ast.BoolOp)):
        return "logic"
    if isinstance(node, ast.Name):
        return "name"
    return type(node).__name__.lower()
