"""What the names of a loop's target or of an unpacking take from what is looped over or unpacked.

`for key, value in d.items()` binds `key` and `value` to the parts of the
items' tuple type, `first, *rest = names` binds `first` to a `str` and `rest`
to a `list[str]`; a name whose type does not follow is bound as unknown (None).
"""

from __future__ import annotations

import ast

from pulsedev.models.types.known import iterated, tuple_parts


def bind_target(target: ast.expr, elt: str | None, env: dict[str, str | None]) -> None:
    """Binds a loop's target to the type of what it loops over, a tuple's parts to its names
    (`for key, value in d.items()`); a name whose type does not follow is unknown (None)."""
    if isinstance(target, ast.Name):
        env[target.id] = elt
        return
    if isinstance(target, (ast.Tuple, ast.List)):
        parts = tuple_parts(elt)
        starred = any(isinstance(t, ast.Starred) for t in target.elts)
        each = iterated(elt) if parts is None else None  # unpacking a `list[str]` gives `str`s
        if (parts is not None and len(parts) == len(target.elts) and not starred) or each is not None:
            for i, t in enumerate(target.elts):
                if isinstance(t, ast.Starred):
                    bind_target(t.value, f"list[{each}]", env)
                else:
                    bind_target(t, parts[i] if parts is not None else each, env)
            return
    for n in ast.walk(target):
        if isinstance(n, ast.Name):
            env[n.id] = None
