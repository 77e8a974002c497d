"""What standard-library functions, methods and constructors take, as typeshed's stubs say.

`os.close(fd)` takes an `int`, `path.write_text(text)` a `str` and
`datetime.timedelta(seconds=s)` a `float`: the parameter an argument lands in
(by position after any implicit `self`, or by keyword), when every overload
agrees and says something (not `object`, `Any` or a type variable), written
as the file can write it (stdclasses.writable, with the file's `spell`).
forwarded.py and overrides.py read parameters here.
"""

from __future__ import annotations

import ast
import re

from pulsedev.models.types.stdclasses import method_defs, writable
from pulsedev.models.types.stdlib import function_defs, shadowed


def function_param(dotted: str, position: int | None, keyword: str | None, index=None, spell=None) -> str | None:
    """The type of the parameter of a standard-library function `module.func` that an argument at
    `position` (or passed as `keyword`) lands in: `os.close(fd)` gives `int`, and a class's constructor
    `datetime.timedelta(seconds=s)` gives `float`.  None when unknown or
    unwritable, when the overloads disagree, or when it is `object` or `Any` (which say nothing);
    other classes than builtins, typing's and `KNOWN_IMPORTS` are written as `spell` writes them
    (`stdclasses.speller`)."""
    if shadowed(dotted, index):
        return None
    home, defs = function_defs(dotted)
    if not defs:  # a class: `io.TextIOWrapper(buffer, errors)`, or its classmethod: `datetime.strptime(s, fmt)`
        return constructor_param(dotted, position, keyword, spell) or _class_method_param(
            dotted, position, keyword, spell)
    return _agreed_param(defs, home, position, keyword, 0, "", spell)


def argument_at(func: ast.FunctionDef, position: int | None, keyword: str | None, offset: int = 0) -> ast.arg | None:
    """The parameter of a stub's def that an argument at `position` (after `offset` implicit ones:
    a method's `self`) or passed as `keyword` lands in, or None."""
    a = func.args
    if position is not None:
        positional = [*a.posonlyargs, *a.args][offset:]
        return positional[position] if position < len(positional) else None
    return next((x for x in [*a.args, *a.kwonlyargs] if x.arg == keyword), None)


def method_param(dotted: str, name: str, position: int | None, keyword: str | None, receiver: str,
                 spell=None) -> str | None:
    """The type of the parameter of method `name` of the stdlib class `dotted` that an argument at
    `position` (after self) or passed as `keyword` lands in, when its overloads agree and it says
    something (not `object`, `Any` or a type variable): `path.write_text(text)` takes a `str`.

    >>> method_param("pathlib.Path", "write_text", 0, None, "Path"), method_param("list", "append", 0, None, "list")
    ('str', None)
    """
    found = method_defs(dotted, name) if not name.startswith("_") else None
    return _agreed_param(found[1], found[0], position, keyword, 1, receiver, spell) if found else None


def constructor_param(dotted: str, position: int | None, keyword: str | None, spell=None) -> str | None:
    """The type of the parameter of the stdlib class `dotted`'s constructor (`__init__`, else
    `__new__`, of the class or its nearest base that has one) that an argument at `position` or
    passed as `keyword` lands in, when its overloads agree and it says something.

    >>> constructor_param("io.TextIOWrapper", 3, None), constructor_param("datetime.timedelta", None, "seconds")
    ('str | None', 'float')
    """
    receiver = dotted.rpartition(".")[2]
    for name in ("__init__", "__new__"):
        found = method_defs(dotted, name)
        if found is None or all(len([*f.args.posonlyargs, *f.args.args]) <= 1 and not f.args.kwonlyargs
                                and not f.args.vararg for f in found[1]):
            continue  # (`object.__init__(self)`: the class's `__new__` takes its arguments)
        return _agreed_param(found[1], found[0], position, keyword, 1, receiver, spell)
    return None


def _agreed_param(defs: list, home: str, position: int | None, keyword: str | None, offset: int, receiver: str,
                  spell) -> str | None:
    """What the parameter an argument lands in (`argument_at`) takes in every overload of `defs`, from
    stub module `home`, when they all have it and agree, and it says something (not `object`, `Any`)."""
    types = {_taken(a.annotation, home, receiver, spell) if (a := argument_at(f, position, keyword, offset))
             is not None else None for f in defs}
    t = types.pop() if len(types) == 1 else None
    return t if t not in ("object", "Any") else None


#: typeshed's names for what code that takes one writes (`def send(self, data: bytes)`): a buffer is
#: most often `bytes`, and what has an `__index__` an `int`.
_AS_WRITTEN = {"ReadableBuffer": "bytes", "SupportsIndex": "int"}
_WRITTEN = re.compile(r"(?<![\w.])(" + "|".join(_AS_WRITTEN) + r")\b")


def _taken(annotation: ast.expr | None, home: str, receiver: str, spell) -> str | None:
    """A stub parameter's annotation as code that takes one writes it (`writable`), its typeshed
    helpers written as code does."""
    if annotation is not None and _WRITTEN.search(text := ast.unparse(annotation)):
        annotation = ast.parse(_WRITTEN.sub(lambda m: _AS_WRITTEN[m.group(1)], text), mode="eval").body
    return writable(annotation, home, receiver, spell)


def _class_method_param(dotted: str, position: int | None, keyword: str | None, spell=None) -> str | None:
    """What a classmethod or staticmethod `module.Class.method` of a stdlib class takes there."""
    owner, _, name = dotted.rpartition(".")
    found = method_defs(owner, name) if "." in owner and not name.startswith("_") else None
    if found is None:
        return None
    home, defs = found
    kinds = {next((d.id for d in f.decorator_list if isinstance(d, ast.Name) and d.id in _BOUND), None) for f in defs}
    if len(kinds) != 1 or None in kinds:
        return None  # (an instance method called on its class takes the instance first)
    offset = 1 if kinds.pop() == "classmethod" else 0
    return _agreed_param(defs, home, position, keyword, offset, owner.rpartition(".")[2], spell)


_BOUND = ("classmethod", "staticmethod")
