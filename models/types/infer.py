"""Expression type inference over the ast, the engine under the static evidence rules.

Literals, displays, comprehensions, operators, builtins and common
standard-library calls, constructors of classes reachable in the file, returns
of functions of the file and of the workspace (through `WorkspaceIndex`), locals
assigned once, lists built by appending, loop variables.  `FileContext` holds
what a file defines and imports; `infer` never guesses: it returns None when the
type does not follow from the code.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.context import FileContext, resolve_relative  # noqa: F401 - re-exported
from pulsedev.models.types.typetext import normalize, split_union

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


class Env(dict):
    """Known local types of a function: name -> type text (None = conflicting/unknown)."""

    cls: ast.ClassDef | None = None


def _union(types: list[str | None], limit: int = 3) -> str | None:
    if not types or any(t is None for t in types):
        return None
    out: list[str] = []
    for t in types:
        for m in split_union(t):
            if m not in out:
                out.append(m)
    if len(out) > limit:
        return None
    if "None" in out:
        out = [m for m in out if m != "None"] + ["None"]
    if "int" in out and "float" in out:
        out.remove("int")
    if "bool" in out and "int" in out:
        out.remove("bool")
    return " | ".join(out)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def infer(node: ast.expr | None, env: Env, ctx: FileContext, depth: int = 0) -> str | None:
    """The type text of an expression, or None when it does not follow from the code."""
    if node is None or depth > 8:
        return None
    d = depth + 1
    if isinstance(node, ast.Constant):
        v = node.value
        if v is None:
            return "None"
        if v is Ellipsis:
            return None
        return type(v).__name__ if type(v).__name__ in ("bool", "int", "float", "str", "bytes", "complex") else None
    if isinstance(node, ast.JoinedStr):
        return "str"
    if isinstance(node, (ast.List, ast.Set)):
        elt = _union([infer(e, env, ctx, d) for e in node.elts], 2) if node.elts else None
        return f"{'list' if isinstance(node, ast.List) else 'set'}[{elt}]" if elt else None
    if isinstance(node, ast.Dict):
        if not node.keys or None in node.keys:
            return None
        k = _union([infer(e, env, ctx, d) for e in node.keys], 2)
        v = _union([infer(e, env, ctx, d) for e in node.values], 2)
        return f"dict[{k}, {v}]" if k and v else None
    if isinstance(node, ast.Tuple):
        if not node.elts or len(node.elts) > 4:
            return None
        elts = [infer(e, env, ctx, d) for e in node.elts]
        return f"tuple[{', '.join(elts)}]" if all(elts) else None
    if isinstance(node, (ast.ListComp, ast.SetComp)):
        inner = _comp_env(node, env, ctx, d)
        elt = infer(node.elt, inner, ctx, d)
        return f"{'list' if isinstance(node, ast.ListComp) else 'set'}[{elt}]" if elt else None
    if isinstance(node, ast.DictComp):
        inner = _comp_env(node, env, ctx, d)
        k, v = infer(node.key, inner, ctx, d), infer(node.value, inner, ctx, d)
        return f"dict[{k}, {v}]" if k and v else None
    if isinstance(node, ast.Compare):
        return "bool"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return "bool"
        t = infer(node.operand, env, ctx, d)
        return t if t in ("int", "float") else None
    if isinstance(node, ast.BoolOp):
        types = [infer(v, env, ctx, d) for v in node.values]
        return types[0] if types[0] and all(t == types[0] for t in types) else None
    if isinstance(node, ast.BinOp):
        return _binop(node, env, ctx, d)
    if isinstance(node, ast.IfExp):
        return _union([infer(node.body, env, ctx, d), infer(node.orelse, env, ctx, d)], 2)
    if isinstance(node, ast.Name):
        if node.id == "self" and env.cls is not None:
            return env.cls.name
        if node.id in env:
            return env[node.id]
        return None
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "self" and env.cls is not None:
            return ctx.class_attrs(env.cls).get(node.attr)
        return None
    if isinstance(node, ast.Call):
        return _call(node, env, ctx, d)
    return None


def _comp_env(node, env: Env, ctx: FileContext, depth: int) -> Env:
    inner = Env(env)
    inner.cls = env.cls
    for gen in node.generators:
        _bind_loop(gen.target, infer(gen.iter, inner, ctx, depth), inner)
    return inner


def _bind_loop(target: ast.expr, iter_type: str | None, env: Env) -> None:
    elt = None
    if iter_type:
        for prefix in ("list[", "set[", "frozenset["):
            if iter_type.startswith(prefix):
                elt = iter_type[len(prefix):-1]
        if iter_type == "str":
            elt = "str"
    if isinstance(target, ast.Name):
        env[target.id] = elt
    else:
        for n in ast.walk(target):
            if isinstance(n, ast.Name):
                env[n.id] = None


def _binop(node: ast.BinOp, env: Env, ctx: FileContext, d: int) -> str | None:
    left = infer(node.left, env, ctx, d)
    if left == "str" and isinstance(node.op, ast.Mod):
        return "str"
    right = infer(node.right, env, ctx, d)
    if isinstance(node.op, ast.Add) and (left is None) != (right is None) and (left or right) in ("str", "bytes"):
        return left or right  # `prefix + "x"`: only a str adds to a str
    if left is None or right is None:
        return None
    nums = ("bool", "int", "float")
    if left in nums and right in nums:
        if isinstance(node.op, ast.Div):
            return "float"
        return "float" if "float" in (left, right) else "int"
    if isinstance(node.op, ast.Add) and left == right and (left in ("str", "bytes") or left.startswith("list[")):
        return left
    if isinstance(node.op, ast.Mult) and {left, right} in ({"str", "int"}, {"bytes", "int"}):
        return "str" if "str" in (left, right) else "bytes"
    return None


def _call(node: ast.Call, env: Env, ctx: FileContext, d: int) -> str | None:
    f = node.func
    if isinstance(f, ast.Name):
        name = f.id
        if name == "cls" and env.cls is not None:
            return env.cls.name
        if name in env:
            return None
        if name in ctx.functions:
            return ctx.function_return(ctx.functions[name])
        if name in ctx.classes:
            return name
        if name in ctx.imports:
            origin = ctx.imports[name]
            if ctx.index is not None:
                ret = ctx.index.function_return(origin)
                if ret is not None:
                    return ret
            if origin in STDLIB_CALLS:
                return STDLIB_CALLS[origin]
            return name if ctx.is_class_name(name) else None
        if name in INT_FUNCS or (name == "int"):
            return "int"
        if name in STR_FUNCS:
            return "str"
        if name in BOOL_FUNCS:
            return "bool"
        if name in ("float", "bytes", "bytearray", "complex"):
            return name
        if name == "round" and len(node.args) == 1:
            return "int"
        if name == "abs" and node.args:
            return infer(node.args[0], env, ctx, d)
        if name == "sorted" and node.args:
            t = infer(node.args[0], env, ctx, d)
            return f"list[{t[t.index('[') + 1:-1]}]" if t and t.startswith(("list[", "set[")) else None
        return None
    if isinstance(f, ast.Attribute):
        dotted = _dotted(f)
        if dotted:
            head = dotted.split(".")[0]
            origin = ctx.imports.get(head)
            full = f"{origin}{dotted[len(head):]}" if origin else dotted
            if head not in env and full in STDLIB_CALLS:
                return STDLIB_CALLS[full]
            if head not in env and origin and ctx.index is not None:
                ret = ctx.index.function_return(full)
                if ret is not None:
                    return ret
        if isinstance(f.value, ast.Name) and f.value.id == "self" and env.cls is not None:
            for stmt in env.cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == f.attr:
                    if isinstance(stmt, ast.AsyncFunctionDef):
                        return None
                    return ctx.function_return(stmt)
            return None
        recv = infer(f.value, env, ctx, d)
        if recv == "str":
            if f.attr in STR_METHODS_STR:
                return "str"
            if f.attr in STR_METHODS_BOOL:
                return "bool"
            if f.attr in STR_METHODS_INT:
                return "int"
            if f.attr in STR_METHODS_LIST:
                return "list[str]"
            if f.attr == "encode":
                return "bytes"
        if recv == "bytes" and f.attr == "decode":
            return "str"
        if recv is None and f.attr in ANY_RECEIVER_METHODS and not (
                isinstance(f.value, ast.Name) and f.value.id in ctx.imports and f.value.id not in env):
            return ANY_RECEIVER_METHODS[f.attr]  # not a module's function: `codecs.decode` may return bytes
        if recv and recv.startswith("dict[") and f.attr in ("keys", "values", "items"):
            return None
    return None


def function_env(func, ctx: FileContext, cls: ast.ClassDef | None = None, known: dict | None = None) -> Env:
    """Known types of a def's parameters and of its locals assigned with one type (memoised)."""
    key = (id(func), id(cls))
    if known is None and key in ctx._envs:
        return ctx._envs[key]
    env = Env()
    env.cls = cls
    a = func.args
    params = [*a.posonlyargs, *a.args, *a.kwonlyargs]
    defaults = [None] * (len(a.posonlyargs) + len(a.args) - len(a.defaults)) + list(a.defaults) + list(a.kw_defaults)
    for arg, default in zip(params, defaults):
        if arg.annotation is not None:
            env[arg.arg] = normalize(arg.annotation)
        elif known and arg.arg in known:
            env[arg.arg] = known[arg.arg]
        else:
            t = infer(default, Env(), ctx) if default is not None else None
            env[arg.arg] = t if t not in (None, "None") else _passed(func, cls, arg, ctx, default is not None)
    for extra in (a.vararg, a.kwarg):
        if extra is not None:
            env[extra.arg] = None
    if known is None:
        ctx._envs[key] = env
    _scan_body(func.body, env, ctx)
    return env


def _passed(func, cls: ast.ClassDef | None, arg: ast.arg, ctx: FileContext, none_default: bool) -> str | None:
    """The type every call of the def passes for `arg` (callsites.py), if all of them are known."""
    if ctx.calls is None:
        return None
    qualname = f"{cls.name}.{func.name}" if cls is not None else func.name
    known, unknown = ctx.calls.types_for(ctx.module, qualname, func, cls, arg)
    t = _union(known + (["None"] if none_default else []), 2) if known and not unknown else None
    return t if t != "None" else None


def _scan_body(body: list[ast.stmt], env: Env, ctx: FileContext) -> None:
    assigned: set[str] = set()
    # `x = []` then `x.append(v)`: list[type of v]; likewise `x = set()`, `x.add(v)` and `x = {}`, `x[k] = v`
    empties: dict[str, tuple[str, list[str | None], list[str | None]]] = {}
    for stmt in body:
        for node in _walk_local(stmt):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in FILLS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in empties):
                kind, _, values = empties[node.func.value.id]
                i, container = FILLS[node.func.attr]
                values.append(infer(node.args[i], env, ctx) if container == kind and len(node.args) > i else None)
                continue
            if (isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript)
                    and isinstance(node.targets[0].value, ast.Name) and node.targets[0].value.id in empties):
                kind, keys, values = empties[node.targets[0].value.id]
                keys.append(infer(node.targets[0].slice, env, ctx) if kind == "dict" else None)
                values.append(infer(node.value, env, ctx))
                continue
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and (kind := empty_kind(node.value)) is not None):
                name = node.targets[0].id
                if name in assigned:
                    empties.pop(name, None)
                else:
                    empties[name] = (kind, [], [])
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                name, typ = node.targets[0].id, infer(node.value, env, ctx)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                name, typ = node.target.id, normalize(node.annotation)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):  # `url += "?" + query`
                name = node.target.id
                typ = _binop(ast.BinOp(ast.Name(name, ast.Load()), node.op, node.value), env, ctx, 1)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                _bind_loop(node.target, infer(node.iter, env, ctx), env)
                continue
            else:
                for n in _targets(node):
                    env[n] = None
                    assigned.add(n)
                continue
            if name in assigned and env.get(name) != typ:
                env[name] = None
                empties.pop(name, None)
            else:
                env[name] = typ
            assigned.add(name)
    for name, (kind, keys, values) in empties.items():
        filled = filled_type(kind, keys, values)
        if filled and env.get(name) in (None, kind):
            env[name] = filled


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


def filled_type(kind: str, keys: list[str | None], values: list[str | None]) -> str | None:
    """`list[T]`, `set[T]` or `dict[K, V]` from what was put in an empty collection, when all is known."""
    elt = _union(values, 2) if values else None
    if elt is None:
        return None
    if kind == "dict":
        key = _union(keys, 2)
        return f"dict[{key}, {elt}]" if key is not None else None
    return f"{kind}[{elt}]"


def _targets(node: ast.AST) -> list[str]:
    """The names a statement binds (not those it only reads: `d[k] = v` binds nothing)."""
    if isinstance(node, ast.Assign):
        tgts = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
        tgts = [node.target]
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        tgts = [i.optional_vars for i in node.items if i.optional_vars is not None]
    else:
        return []
    out: list[str] = []
    while tgts:
        t = tgts.pop()
        if isinstance(t, ast.Name):
            out.append(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            tgts.extend(t.elts)
        elif isinstance(t, ast.Starred):
            tgts.append(t.value)
    return out


def _walk_local(node: ast.AST):
    """ast.walk in source order that does not enter nested defs, classes or lambdas."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield from _walk_local(child)
