"""Call-site evidence: the types of the arguments code passes to the functions it defines.

For a parameter with no telling default, what its callers pass is the most
direct evidence there is: `render(console, "title")` means `title` is a `str`.
`CallSites` records, per callee, the inferred type of each argument at each
call: functions of a module by name, classes through their constructor
(`Box(...)` feeds `Box.__init__`, as does `cls(...)`), methods through
`self.m(...)`, `cls.m(...)`, `Class.m(...)` and receivers of a known workspace
class, and imported functions by their origin.  Argument types come from
`infer` in the caller's scope; an argument whose type does not follow from
the code counts as unknown, so a rule can say how many callers agree.

The server builds one table over the workspace's files in the background
(`WorkspaceIndex.build_callsites`); training builds one per file.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from pulsedev.models.types.guards import Guards
from pulsedev.models.types.infer import (
    Env,
    FileContext,
    infer,
)
from pulsedev.models.types.scope import function_env, parameter_defaults
from pulsedev.models.types.typetext import split_union, without_none
from pulsedev.models.types.usage import parents, usage, use_of
from pulsedev.models.types.walk import walk_local

#: Calls looked at per file: a bound on background work in huge generated modules.
MAX_CALLS_PER_FILE = 4000
#: Passes over the calls: each pass knows what the previous one found, so an argument that is the
#: caller's own parameter is typed by what the caller's callers pass (on 15 packages, 2 passes type
#: 24 more parameters than 1, 3 passes 6 more than 2).
ROUNDS = 2
#: Uses of a def's result kept per def (its callers' `x.encode()`, `if f():`): enough to tell a kind.
MAX_USES = 60


@dataclass
class Seen:
    """What the calls to one def passed: per position (bound calls: after self/cls) and per keyword."""

    bound: dict[int, list[str | None]] = field(default_factory=dict)  # self.m(a), C(a): a is the 2nd param
    plain: dict[int, list[str | None]] = field(default_factory=dict)  # f(a), C.static(a): a is the 1st param
    unbound: dict[int, list[str | None]] = field(default_factory=dict)  # C.m(obj, a): no way to know yet
    keyword: dict[str, list[str | None]] = field(default_factory=dict)
    calls: int = 0
    uses: list[str] = field(default_factory=list)  # how the callers use what it returns (usage.py's names)


class CallSites:
    """Argument types seen at calls, per callee dotted name (`pkg.mod.func`, `pkg.mod.Class.method`)."""

    def __init__(self, results: bool = True) -> None:
        self.seen: dict[str, Seen] = {}
        self.results = results  # whether to record how callers use what calls return (the last pass only)

    def add_module(self, ctx: FileContext) -> None:
        """Records every call of a parsed module whose callee can be named."""
        budget = [MAX_CALLS_PER_FILE]
        module_code = [s for s in ctx.tree.body
                       if not isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        self._scan(module_code, Env(), ctx, None, budget, None)
        methods: set[int] = set()
        for node in ast.walk(ctx.tree):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        methods.add(id(stmt))
                        self._scan(stmt.body, function_env(stmt, ctx, node), ctx, node, budget, stmt)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and id(node) not in methods:
                self._scan(node.body, function_env(node, ctx), ctx, None, budget, node)

    def _scan(self, body: list[ast.stmt], env: Env, ctx: FileContext, cls: ast.ClassDef | None, budget: list[int],
              func) -> None:
        names: list[dict] = []  # the caller's loaded names (usage.parents), made once when first needed
        maybe_none = _untested_none_params(func) if func is not None else set()
        in_def = Guards(func) if func is not None else None
        for stmt in body:
            above: dict[int, ast.AST] = {}
            guards = in_def or Guards(stmt)
            for node in walk_local(stmt):
                if not isinstance(node, ast.Call) or budget[0] <= 0:
                    continue
                budget[0] -= 1
                target = self.callee(node.func, env, ctx, cls)
                if target is None:
                    continue
                name, how = target
                seen = self.seen.setdefault(name, Seen())
                seen.calls += 1
                if self.results and len(seen.uses) < MAX_USES:
                    seen.uses += _result_uses(node, stmt, above, func, names)
                positions = getattr(seen, how)
                for i, arg in enumerate(node.args):
                    if isinstance(arg, ast.Starred):
                        break
                    positions.setdefault(i, []).append(_arg_type(arg, env, ctx, maybe_none, guards))
                for kw in node.keywords:
                    if kw.arg is not None:
                        seen.keyword.setdefault(kw.arg, []).append(_arg_type(kw.value, env, ctx, maybe_none, guards))

    @staticmethod
    def callee(func: ast.expr, env: Env, ctx: FileContext, cls: ast.ClassDef | None) -> tuple[str, str] | None:
        """(dotted callee, how its arguments line up) for a call's `func`, when it names a def."""
        module = ctx.module
        if isinstance(func, ast.Name):
            name = func.id
            if name == "cls" and cls is not None:
                return f"{module}.{cls.name}", "bound"
            if name in env:
                return None
            if name in ctx.functions:
                return f"{module}.{name}", "plain"
            if name in ctx.classes:
                return f"{module}.{name}", "bound"
            origin = ctx.imports.get(name)
            if origin is not None and ctx.index is not None:
                if ctx.index.is_class(origin):
                    return origin, "bound"
                return origin, "plain"
            return None
        if not isinstance(func, ast.Attribute):
            return None
        recv, attr = func.value, func.attr
        if isinstance(recv, ast.Name):
            if recv.id in ("self", "cls") and cls is not None:
                return f"{module}.{cls.name}.{attr}", "bound"
            if recv.id in ctx.classes and recv.id not in env:
                return f"{module}.{recv.id}.{attr}", "unbound"
            origin = ctx.imports.get(recv.id)
            if origin is not None and recv.id not in env and ctx.index is not None and not ctx.index.is_class(origin):
                return f"{origin}.{attr}", "plain"  # `util.load(...)` through `from . import util`
        typ = infer(recv, env, ctx)
        if typ and typ.isidentifier():
            if typ in ctx.classes:
                return f"{module}.{typ}.{attr}", "bound"
            home = ctx.index.classes.get(typ) if ctx.index is not None else None
            if home is not None:
                return f"{home}.{typ}.{attr}", "bound"
        return None

    def result_uses(self, module: str, qualname: str) -> list[str]:
        """How the callers of a def use what it returns (usage.py's feature names)."""
        seen = self.seen.get(f"{module}.{qualname}")
        return seen.uses if seen is not None else []

    def types_for(self, module: str, qualname: str, func, cls: ast.ClassDef | None,
                  arg: ast.arg) -> tuple[list[str], int]:
        """(known types passed to a parameter, how many calls passed it a value of unknown type)."""
        names = [qualname, cls.name] if cls is not None and func.name == "__init__" else [qualname]
        positional = [*func.args.posonlyargs, *func.args.args]
        static, classmethod = decorated(func, "staticmethod"), decorated(func, "classmethod")
        implicit = cls is not None and not static  # the first parameter is self or cls
        found: list[str | None] = []
        for name in names:
            seen = self.seen.get(f"{module}.{name}")
            if seen is None:
                continue
            if arg in positional:
                i = positional.index(arg)
                found += seen.bound.get(i - 1 if implicit else i, [])
                found += seen.plain.get(i, [])
                found += seen.unbound.get(i - 1 if classmethod else i, [])
            found += seen.keyword.get(arg.arg, [])
        known = [t for t in found if t is not None]
        return known, len(found) - len(known)


def decorated(func, name: str) -> bool:
    """Whether a def has the decorator `name` (`@staticmethod`, `@abc.abstractmethod`)."""
    return any((d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")) == name for d in func.decorator_list)


def _result_uses(call: ast.Call, stmt: ast.stmt, above: dict[int, ast.AST], func, names: list[dict]) -> list[str]:
    """How a caller uses what a call returns: its use where the call stands (`discarded` as a statement),
    and, when it is assigned to a name, that name's uses in the caller (`x = f(); x.encode()`)."""
    if not above:  # the statement's parents, made once per statement that calls a def
        for node in walk_local(stmt):
            for child in ast.iter_child_nodes(node):
                above[id(child)] = node
    p = above.get(id(call))
    if isinstance(p, ast.Expr):
        return ["discarded"]
    uses: list[str] = []
    use_of(call, p, above.get(id(p)), uses)
    if isinstance(p, ast.Assign) and len(p.targets) == 1 and isinstance(p.targets[0], ast.Name) and func is not None:
        if not names:
            names.append(parents(func))
        uses += usage(func, p.targets[0].id, names[0])
    return uses


def _arg_type(node: ast.expr, env: Env, ctx: FileContext, maybe_none: set[str], guards: Guards) -> str | None:
    """The argument's type; `None` for a caller's parameter of unknown type that may be None
    (`_untested_none_params`): what it passes is then None at times, and unknown otherwise.  A name
    that a test around the call rules out as None is passed without it (`if m: parse(m)`: guards.py)."""
    try:
        t = infer(node, env, ctx)
    except RecursionError:
        return None
    if t is None:
        return "None" if isinstance(node, ast.Name) and node.id in maybe_none else None
    if isinstance(node, ast.Name) and "None" in split_union(t) and t != "None" and guards.not_none(node):
        return " | ".join(without_none(t))
    return t


def _untested_none_params(func) -> set[str]:
    r"""The parameters of a def that default to None and that it never tests nor assigns: passed on
    as they are (`def parse(self, name=None): return self._parse(name)`), the callee is passed None.

    >>> f = ast.parse("def f(p=None, /, a=None, b=None, c=1, *, d=None):\n    if b: pass\n    d = d or 0").body[0]
    >>> sorted(_untested_none_params(f))
    ['a', 'p']
    """
    found = {p.arg for p, d in parameter_defaults(func) if isinstance(d, ast.Constant) and d.value is None}
    if not found:
        return found
    for n in ast.walk(func):
        if isinstance(n, (ast.If, ast.While, ast.IfExp, ast.Assert)):
            tests = [n.test]
        elif isinstance(n, (ast.BoolOp, ast.Compare)):
            tests = [n]
        elif isinstance(n, ast.comprehension):
            tests = n.ifs
        else:
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                found.discard(n.id)
            continue
        found -= {m.id for t in tests for m in ast.walk(t) if isinstance(m, ast.Name)}
    return found

