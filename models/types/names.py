"""What a parameter's name says about its type, given the classes its file can see.

`console` is a `Console`, `state` a `StateInline`, `settings_cls` is
`type[BaseSettings]` and `tokens`, looped over, an `Iterable[Token]`.  The
matching of name words to class names is `FileContext.class_for_name`; this
module adds the class-itself and collection forms and picks the container
from how the body uses the parameter.  These are candidates only: the model
learns from the corpus how far each form is right (see static.py).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from pulsedev.models.types.members import fit

if TYPE_CHECKING:
    from pulsedev.models.types.context import FileContext
    from pulsedev.models.types.slots import Slot

#: Name endings of a parameter that takes a class itself (`settings_cls: type[BaseSettings]`).
_CLASS_OF = ("_cls", "_class", "_klass", "_type_cls")
#: Methods that only a list (of the common sequences) has: a plural parameter using them is a list.
_LIST_METHODS = {"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"}


def type_named(slot: Slot, ctx: FileContext) -> tuple[str, str, str] | None:
    """The type a parameter's name names (type text, rule, words): a class of the file
    (`console` -> `Console`), the class itself (`settings_cls` -> `type[BaseSettings]`), or a
    collection of it (`tokens` -> `Sequence[Token]`, the container chosen by how it is used)."""
    name = slot.name
    found = ctx.class_for_name(name, lambda names: [n for n in names if (f := fit(ctx, slot.func, name, n))
                                                    and f[0] == "found"])
    if found is not None:
        return found[0], f"name_class_{found[1]}", f"named like the class `{found[0]}`"
    stem = next((name[: -len(e)] for e in _CLASS_OF if name.endswith(e) and len(name) > len(e) + 1), None)
    if stem is not None and (found := ctx.class_for_name(stem)) is not None:
        return f"type[{found[0]}]", "name_class_type", f"named like the class `{found[0]}` itself"
    if len(name) > 4 and name.endswith("s") and not name.endswith("ss"):
        found = ctx.class_for_name(name[:-3] + "y" if name.endswith("ies") else name[:-1])
        container = _container(slot.func, name) if found is not None and found[1] == "exact" else None
        if container is not None:
            return f"{container}[{found[0]}]", "name_class_plural", f"named like {found[0]} objects"
    return None


def _container(func, name: str) -> str | None:
    """How a plural parameter is used as a collection: `list` when the body calls a list-only method
    on it, `Sequence` when it indexes it or takes its length, `Iterable` when it only loops over it,
    None when the body does none of these (`retries` may well be one `Retry`)."""
    found = None
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == name \
                and node.attr in _LIST_METHODS:
            return "list"
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == name or (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "reversed")
                and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == name):
            found = "Sequence"
        elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name) \
                and node.iter.id == name:
            found = found or "Iterable"
    return found
