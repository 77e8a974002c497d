"""What a name or an expression is taken for without reading its code: a class or a type.

`class_like`: a library's name in CapWords is a class (not a constant, nor a
generic whose bare name is no whole type); `is_type_expr`: the value of a type
alias (`Union[...]`, `A | B`, `Callable[...]`, `NewType(...)`).
"""

from __future__ import annotations

import ast

GENERIC_CLASSES = {"defaultdict", "OrderedDict", "deque", "Counter", "ChainMap", "list", "dict", "set",
                   "frozenset", "tuple", "type", "object", "super", "property", "staticmethod", "classmethod"}
_TYPING_FORMS = {"Union", "Optional", "Callable", "Mapping", "Sequence", "Iterable", "Dict", "List", "Tuple",
                 "Type", "Awaitable", "Literal", "TypeVar", "NewType", "TypeAliasType"}


def class_like(name: str) -> bool:
    """Whether a library's name, whose code is not read, is taken for a class: CapWords, not ALLCAPS
    (a constant), and not a generic whose bare name is no whole type.

    >>> class_like("Response"), class_like("URL"), class_like("array"), class_like("OrderedDict")
    (True, False, False, False)
    """
    return name[:1].isupper() and not name.isupper() and name not in GENERIC_CLASSES


def is_type_expr(node: ast.expr) -> bool:
    """True for the value of a type alias (`Union[...]`, `A | B`, `Callable[...]`, `NewType(...)`)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return True
    if isinstance(node, (ast.Subscript, ast.Call)):
        head = node.value if isinstance(node, ast.Subscript) else node.func
        name = head.attr if isinstance(head, ast.Attribute) else head.id if isinstance(head, ast.Name) else ""
        return name in _TYPING_FORMS or name in GENERIC_CLASSES
    return False
