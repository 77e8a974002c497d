"""What a docstring says a parameter or a def's result is (Google, NumPy or Sphinx style).

    name (str, optional): ...      # Google
    name : int or None             # NumPy
    :type name: bytes              # Sphinx
    :rtype: bool  /  Returns\\n-------\\nint  /  Returns:\\n    str: ...

`stated` keeps a stated type only when every name in it is a type the file can
see: a builtin class, a typing or standard-library name, or a class or alias
the file defines or imports.  Prose ("callable", "array_like", "list of str")
says nothing a hint could use.
"""

from __future__ import annotations

import ast
import builtins
import re

from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.typelike import is_type_expr
from pulsedev.models.types.typetext import head_names, normalize

_PARAM = ("{n}\\s*\\(([^)\\n]{{1,40}})\\)\\s*:", "{n}\\s*:\\s*([A-Za-z_][\\w\\[\\], .|]{{0,40}})\\n",
          ":type {n}:\\s*([^\\n]{{1,40}})")
_RETURN = re.compile(r":rtype:\s*([^\n]{1,40})"
                     r"|Returns\s*\n\s*-+\s*\n\s*([A-Za-z_][\w\[\], .|]{0,40})\n"
                     r"|Returns:\s*\n\s*([A-Za-z_][\w\[\], .|]{0,40}):")
_BUILTIN_TYPES = {n for n in dir(builtins) if isinstance(getattr(builtins, n), type) and not n.startswith("_")}


def _docstring(func: ast.AST) -> str | None:
    return ast.get_docstring(func) if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _type(text: str) -> str | None:
    return normalize(text.replace(", optional", "").replace(" or ", " | ").strip())


def param_type(func: ast.AST, name: str) -> str | None:
    """The type a def's docstring states for its parameter `name`, normalised; None if it states none.

    >>> f = ast.parse('def f(a, b):\\n    \"\"\"Args:\\n        a (int): n.\\n'
    ...               '        b (str or None): s.\"\"\"').body[0]
    >>> param_type(f, "a"), param_type(f, "b"), param_type(f, "c")
    ('int', 'str | None', None)
    """
    doc = _docstring(func)
    if not doc or name not in doc:
        return None
    for pat in _PARAM:
        m = re.search(pat.format(n=re.escape(name)), doc)
        if m and (t := _type(m.group(1))):
            return t
    return None


def return_type(func: ast.AST) -> str | None:
    """The type a def's docstring states for its result, normalised; None if it states none.

    >>> return_type(ast.parse('def f():\\n    \"\"\"Returns:\\n        bool: whether.\"\"\"').body[0])
    'bool'
    """
    doc = _docstring(func)
    m = _RETURN.search(doc) if doc else None
    return _type(next(g for g in m.groups() if g is not None)) if m else None


def stated(text: str | None, ctx) -> str | None:
    """`text` when every name in it is a type the file can see (see the module's docstring), else None."""
    if text is None:
        return None
    for name in head_names(text):
        if name in _BUILTIN_TYPES or name in ("None", "...") or name in KNOWN_IMPORTS:
            continue
        if ctx.is_class_name(name) or (name in ctx.assignments and is_type_expr(ctx.assignments[name])):
            continue
        return None
    return text
