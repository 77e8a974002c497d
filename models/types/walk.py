"""Walking a body's own code: `walk_local`, for the rules that read what a def's statements do.

A nested def, class or lambda is a scope of its own and is not entered.
"""

from __future__ import annotations

import ast


def walk_local(node: ast.AST):
    """ast.walk in source order that does not enter nested defs, classes or lambdas (but `node` itself, even
    a def: walked from each statement of a body, it reads the closures in it, whose uses of the body's
    names are evidence of them)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield from walk_local(child)
