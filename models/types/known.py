"""What the language settles: result types of builtins, of str methods and of common standard-library
calls, how an empty list, set or dict is filled, what indexing a container gives, and `typing.cast`.

For infer.py; each entry holds whatever the arguments are.
"""

from __future__ import annotations

import ast
import functools

BUILTIN_TYPES = {"str", "bytes", "int", "float", "bool", "complex", "list", "dict", "set", "frozenset", "tuple", "None"}
#: Builtins that build a container of what their argument holds: `tuple(x.name for x in items)`.
REBUILT = {"list": "list", "tuple": "tuple", "set": "set", "frozenset": "frozenset", "sorted": "list"}
INT_FUNCS = {"len", "hash", "ord", "id"}
STR_FUNCS = {"str", "repr", "chr", "format", "ascii", "hex", "oct", "bin"}
BOOL_FUNCS = {"bool", "isinstance", "issubclass", "callable", "hasattr", "all", "any"}
STR_METHODS_STR = {"join", "strip", "lstrip", "rstrip", "lower", "upper", "replace", "format", "title",
                   "capitalize", "casefold", "center", "ljust", "rjust", "zfill", "expandtabs", "swapcase",
                   "removeprefix", "removesuffix", "format_map", "translate"}
STR_METHODS_BOOL = {"startswith", "endswith", "isdigit", "isalpha", "isalnum", "isspace", "isupper",
                    "islower", "isidentifier", "isnumeric", "isdecimal", "istitle", "isprintable", "isascii"}
STR_METHODS_INT = {"find", "rfind", "count", "index", "rindex"}
STR_METHODS_LIST = {"split", "rsplit", "splitlines"}
BYTES_METHODS = {**dict.fromkeys(("join", "strip", "lstrip", "rstrip", "replace", "lower", "upper", "removeprefix",
                                  "removesuffix"), "bytes"),
                 **dict.fromkeys(("split", "rsplit", "splitlines"), "list[bytes]"),
                 "startswith": "bool", "endswith": "bool", "find": "int", "count": "int", "index": "int",
                 "decode": "str", "hex": "str"}
#: Methods whose result type hardly depends on the receiver, for a receiver of unknown type: in the
#: packages we looked at, `.encode()` returned bytes 18 times in 22 and `.decode()` str 16 in 19.
ANY_RECEIVER_METHODS = {"encode": "bytes", "decode": "str", "format": "str", "fileno": "int", "hexdigest": "str",
                        "isoformat": "str", "total_seconds": "float", "is_set": "bool", "startswith": "bool",
                        "endswith": "bool", "isdigit": "bool", "isidentifier": "bool", "bit_length": "int"}
STDLIB_CALLS = {
    "os.path.join": "str", "os.path.abspath": "str", "os.path.basename": "str", "os.path.dirname": "str",
    "os.path.normpath": "str", "os.path.expanduser": "str", "os.path.relpath": "str", "os.path.realpath": "str",
    "os.path.exists": "bool", "os.path.isfile": "bool", "os.path.isdir": "bool", "os.path.isabs": "bool",
    "os.getcwd": "str", "os.fspath": "str", "time.time": "float", "time.monotonic": "float",
    "time.perf_counter": "float", "json.dumps": "str", "os.getpid": "int", "shutil.which": "str | None",
    "os.environ.get": "str | None", "os.getenv": "str | None", "math.sqrt": "float", "math.floor": "int",
    "math.ceil": "int", "textwrap.dedent": "str", "textwrap.indent": "str", "uuid.uuid4": "UUID",
    "datetime.now": "datetime", "datetime.datetime.now": "datetime", "datetime.utcnow": "datetime",
    "re.escape": "str", "re.sub": "str", "re.compile": "Pattern[str]", "re.match": "Match[str] | None",
    "re.search": "Match[str] | None", "re.fullmatch": "Match[str] | None", "re.findall": "list[Any]",
    "inspect.isclass": "bool", "inspect.isfunction": "bool", "Path.cwd": "Path", "Path.home": "Path",
    "copy.copy": None, "os.listdir": "list[str]", "sys.getsizeof": "int", "os.cpu_count": "int | None",
}


#: How an empty collection is filled: method -> (the argument giving an element, the container).
FILLS = {"append": (0, "list"), "insert": (1, "list"), "add": (0, "set")}


def empty_kind(value: ast.expr) -> str | None:
    """"list", "dict" or "set" for `[]`, `{}`, `list()`, `dict()`, `set()`; else None."""
    if isinstance(value, ast.Call):
        f = value.func
        return f.id if isinstance(f, ast.Name) and f.id in ("list", "dict", "set") and not (
            value.args or value.keywords) else None
    if isinstance(value, ast.List) and not value.elts:
        return "list"
    return "dict" if isinstance(value, ast.Dict) and not value.keys else None


#: Where a type name that a file may not import yet comes from (for the import edit that goes with a hint).
KNOWN_IMPORTS = {
    **dict.fromkeys(["Any", "Self", "NoReturn", "Never", "TypeVar", "IO", "TextIO", "BinaryIO", "NamedTuple",
                     "TypedDict", "Protocol"], "typing"),
    **dict.fromkeys(["Callable", "Iterable", "Iterator", "Sequence", "Mapping", "MutableMapping",
                     "MutableSequence", "Generator", "AsyncIterator", "AsyncGenerator", "AsyncIterable",
                     "Awaitable", "Coroutine", "Collection", "Container", "Hashable", "Sized", "Set",
                     "MutableSet", "KeysView", "ValuesView", "ItemsView", "Reversible"], "collections.abc"),
    "Path": "pathlib", "PurePath": "pathlib", "datetime": "datetime", "date": "datetime", "timedelta": "datetime",
    "timezone": "datetime", "Decimal": "decimal", "Fraction": "fractions", "UUID": "uuid", "Enum": "enum",
    "ModuleType": "types", "TracebackType": "types", "FrameType": "types", "CodeType": "types",
    "Pattern": "re", "Match": "re", "Logger": "logging", "Namespace": "argparse",
    "ArgumentParser": "argparse", "defaultdict": "collections", "deque": "collections",
    "OrderedDict": "collections", "Counter": "collections", "Thread": "threading", "Lock": "threading",
    "Event": "threading", "Popen": "subprocess", "CompletedProcess": "subprocess", "Executor": "concurrent.futures",
    "Future": "concurrent.futures", "AbstractEventLoop": "asyncio", "Task": "asyncio", "Queue": "queue",
    "StringIO": "io", "BytesIO": "io", "Random": "random", "ZipFile": "zipfile", "ElementTree": "xml.etree.ElementTree",
    "Message": "email.message", "SimpleNamespace": "types", "partial": "functools",
    # what pytest's own fixtures are (fixtures.py), by the names pytest exports them under
    **dict.fromkeys(["MonkeyPatch", "CaptureFixture", "LogCaptureFixture", "WarningsRecorder", "FixtureRequest",
                     "TempPathFactory", "Pytester"], "pytest"),
    "MockerFixture": "pytest_mock",
}


_SEQUENCES = {"list", "Sequence", "MutableSequence", "tuple"}
_MAPPINGS = {"dict", "Mapping", "MutableMapping", "defaultdict", "OrderedDict"}


def element_of(node: ast.Subscript, container: str | None) -> str | None:
    """`x[i]` or `x[a:b]` of a known container: its element (a value, for a mapping), or a slice of it."""
    if container is None:
        return None
    sliced = isinstance(node.slice, ast.Slice)
    if container in ("str", "bytes", "bytearray"):
        return container if sliced or container == "str" else "int"
    base, args = _generic(container)
    if base is None:
        return None  # a union (`list[int] | None`), a bare class: nothing is sure
    if base in _SEQUENCES and sliced:
        return container
    if base == "tuple" and not (len(args) == 2 and args[1] == "..."):
        i = node.slice.value if isinstance(node.slice, ast.Constant) else None  # fixed-length: a constant index
        return args[i] if isinstance(i, int) and -len(args) <= i < len(args) else None
    if base in _SEQUENCES:
        return args[0]
    if base in _MAPPINGS and len(args) == 2 and not sliced:
        return args[1]
    return None


_ITERABLES = {"list", "set", "frozenset", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection",
              "AbstractSet", "Set", "MutableSet", "deque", "Generator"}


def iterated(container: str | None) -> str | None:
    """What looping over a value of a known type gives: an element, a mapping's key, a character.

    >>> iterated("list[int]"), iterated("tuple[str, ...]"), iterated("dict[str, bytes]"), iterated("range")
    ('int', 'str', 'str', 'int')
    """
    if container in ("str", "bytes", "bytearray", "range"):
        return "str" if container == "str" else "int"
    base, args = _generic(container) if container else (None, ())
    if base in _ITERABLES or base in _MAPPINGS or (base == "tuple" and len(args) == 2 and args[1] == "..."):
        return args[0]
    return None


def is_cast(f: ast.expr, imports: dict[str, str]) -> bool:
    """`cast(...)` or `typing.cast(...)` (or typing_extensions')."""
    if isinstance(f, ast.Name):
        return imports.get(f.id) in ("typing.cast", "typing_extensions.cast")
    return (isinstance(f, ast.Attribute) and f.attr == "cast" and isinstance(f.value, ast.Name)
            and imports.get(f.value.id) in ("typing", "typing_extensions"))


def text_method(recv: str, attr: str) -> str | None:
    """What a method of a `str` or `bytes` returns (`"a".split()` -> `list[str]`), if known."""
    if recv == "bytes":
        return BYTES_METHODS.get(attr)
    if attr in STR_METHODS_STR:
        return "str"
    if attr in STR_METHODS_BOOL:
        return "bool"
    if attr in STR_METHODS_INT:
        return "int"
    if attr in STR_METHODS_LIST:
        return "list[str]"
    return "bytes" if attr == "encode" else None



def container_method(recv: str | None, attr: str, args: list[str | None]) -> str | None:
    """What a method of a known builtin container returns, as typeshed says (`args`: the types of the
    call's positional arguments, None where unknown); None when unknown or not the container's.

    >>> container_method("list[Rule]", "pop", []), container_method("dict[str, int]", "get", ["str"])
    ('Rule', 'int | None')
    >>> container_method("dict[str, int]", "get", ["str", "int"]), container_method("set[str]", "union", [None])
    ('int', 'set[str]')
    """
    base, params = _generic(recv) if recv else (None, ())
    if base is None:
        return None
    if attr == "copy" and base in ("list", "dict", "set", "frozenset", "deque", "defaultdict", "OrderedDict"):
        return recv
    if base in ("list", "deque") and len(params) == 1:
        return {"pop": params[0], "popleft": params[0] if base == "deque" else None, "index": "int",
                "count": "int"}.get(attr)
    if base in ("set", "frozenset") and len(params) == 1:
        if attr in ("union", "intersection", "difference", "symmetric_difference"):
            return recv
        return params[0] if attr == "pop" and base == "set" else None
    if base in ("dict", "defaultdict", "OrderedDict") and len(params) == 2:
        value = params[1]
        if attr == "get" and len(args) == 1:
            return f"{value} | None"
        if attr in ("get", "pop", "setdefault") and len(args) == 2:
            return value if args[1] == value else None  # `d.get(k, "")` of a dict of str is a str
        return value if attr == "pop" and len(args) == 1 else None
    return None


@functools.lru_cache(maxsize=1024)
def _generic(text: str) -> tuple[str | None, tuple[str, ...]]:
    """(`list`, (`int`,)) of `list[int]`; (None, ()) for a type that is not one generic class."""
    try:
        head = ast.parse(text, mode="eval").body
    except SyntaxError:
        return None, ()
    if not isinstance(head, ast.Subscript) or not isinstance(head.value, ast.Name):
        return None, ()
    args = head.slice.elts if isinstance(head.slice, ast.Tuple) else [head.slice]
    return head.value.id, tuple(ast.unparse(a) for a in args)


def mapping_view(mapping: str | None, view: str) -> str | None:
    """What looping over a mapping's `items()`, `keys()` or `values()` gives.

    >>> (mapping_view("dict[str, int]", "items"), mapping_view("Mapping[str, bytes]", "values"),
    ...  mapping_view("list[int]", "keys"))
    ('tuple[str, int]', 'bytes', None)
    """
    base, params = _generic(mapping) if mapping else (None, ())
    if base not in _MAPPINGS or len(params) != 2:
        return None
    return {"items": f"tuple[{params[0]}, {params[1]}]", "keys": params[0], "values": params[1]}[view]


def tuple_parts(t: str | None) -> tuple[str, ...] | None:
    """The parts of a fixed-length tuple type (`tuple[str, int]` -> str, int), or None.

    >>> tuple_parts("tuple[str, int]"), tuple_parts("tuple[str, ...]"), tuple_parts("list[str]")
    (('str', 'int'), None, None)
    """
    base, params = _generic(t) if t else (None, ())
    return params if base == "tuple" and params and "..." not in params else None
