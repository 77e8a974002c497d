"""Optimization strategy hints: where traced test time goes, and what to try in a hot function.

`HotFunctions` keeps, in memory, the calls and time per function from the
tracer's records.  `StrategyAdvisor` reads a hot function's body (its AST)
for patterns with a known remedy — membership tests on lists inside loops,
string building with `+=`, regexes compiled in a loop, nested loops that
match items, small pure functions called very often — and ranks the
remedies by the developer's feedback (`Helpfulness`).  It suggests; it
never edits.
"""

from __future__ import annotations

import ast
import threading
from dataclasses import dataclass
from pathlib import Path

from pulsedev.models.helpfulness import Helpfulness

#: id -> (what to try, expected gain)
STRATEGIES: dict[str, tuple[str, str]] = {
    "set-membership": ("use a set (or dict) for the `in` tests inside the loop",
                       "each lookup drops from O(n) to O(1): often 10x or more on large lists"),
    "join": ("collect the pieces in a list and `''.join` them once", "linear instead of quadratic string building"),
    "precompile": ("compile the regex once, outside the loop or at module level", "saves the cache lookup per call"),
    "index": ("index the inner collection in a dict keyed by what the loops match on",
              "turns the nested loops' O(n*m) into O(n+m)"),
    "memoize": ("cache results with functools.lru_cache (if it is pure and its arguments are hashable)",
                "repeated calls with the same arguments become dictionary lookups"),
    "profile": ("profile it (`python -m cProfile -s cumtime`) to find the inner hot spot",
                "finds where the time goes before changing code"),
}
MIN_SHARE = 0.05  # of all traced time
MIN_CALLS = 20


@dataclass(frozen=True)
class Hot:
    """One function's share of the traced test time."""

    qualname: str
    calls: int
    time_s: float
    share: float


def _key(file: str) -> str:
    try:
        return str(Path(file).resolve())
    except OSError:
        return file


class HotFunctions:
    """Calls and time per function, from tracer records (in memory only)."""

    def __init__(self) -> None:
        self._funcs: dict[tuple[str, str], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def add(self, records: list[dict]) -> None:
        """Take tracer records (`{"type": "trace", "file", "qualname", "calls", "time_s"}`)."""
        with self._lock:
            for r in records:
                calls, time_s = r.get("calls"), r.get("time_s")
                if isinstance(r.get("file"), str) and isinstance(r.get("qualname"), str) \
                        and isinstance(calls, int) and isinstance(time_s, (int, float)):
                    self._funcs[(_key(r["file"]), r["qualname"].replace(".<locals>", ""))] = (calls, float(time_s))

    def for_file(self, path: str) -> dict[str, Hot]:
        """The hot functions of one file, by qualified name."""
        with self._lock:
            total = sum(t for _, t in self._funcs.values()) or 1.0
            key = _key(path)
            return {q: Hot(q, c, t, t / total) for (f, q), (c, t) in self._funcs.items()
                    if f == key and t / total >= MIN_SHARE and c >= MIN_CALLS}

    def clear(self) -> None:
        """Forget every trace."""
        with self._lock:
            self._funcs.clear()


def _loops(node: ast.AST) -> list[ast.AST]:
    return [n for n in ast.walk(node) if isinstance(n, (ast.For, ast.While, ast.comprehension))]


def patterns(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Strategy ids whose pattern the function shows, most specific first.

    >>> src = ("def f(items, wanted):\\n    out = ''\\n    for x in items:\\n"
    ...        "        if x in wanted:\\n            out += x\\n    return out\\n")
    >>> patterns(ast.parse(src).body[0])
    ['set-membership', 'join', 'profile']
    """
    found = []
    loops = _loops(func)
    in_loop = {id(n) for loop in loops for n in ast.walk(loop)}
    lists = {t.id for n in ast.walk(func) if isinstance(n, ast.Assign) and isinstance(n.value, (ast.List, ast.ListComp))
             for t in n.targets if isinstance(t, ast.Name)}
    params = {a.arg for a in func.args.args + func.args.kwonlyargs}
    for n in ast.walk(func):
        if id(n) in in_loop and isinstance(n, ast.Compare) and any(isinstance(op, (ast.In, ast.NotIn)) for op in n.ops):
            right = n.comparators[-1]
            if isinstance(right, (ast.List, ast.ListComp)) or (
                    isinstance(right, ast.Name) and right.id in lists | params):
                found.append("set-membership")
                break
    strings = {t.id for n in ast.walk(func)
               if isinstance(n, ast.Assign) and isinstance(n.value, (ast.Constant, ast.JoinedStr))
               and isinstance(getattr(n.value, "value", ""), str) for t in n.targets if isinstance(t, ast.Name)}
    if any(id(n) in in_loop and isinstance(n, ast.AugAssign) and isinstance(n.op, ast.Add)
           and isinstance(n.target, ast.Name) and n.target.id in strings for n in ast.walk(func)):
        found.append("join")
    if any(id(n) in in_loop and isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
           and isinstance(n.func.value, ast.Name) and n.func.value.id == "re" for n in ast.walk(func)):
        found.append("precompile")
    if any(isinstance(inner, (ast.For, ast.comprehension)) and inner is not outer
           for outer in loops if isinstance(outer, ast.For) for inner in _loops(outer)):
        found.append("index")
    if not loops and len(func.body) <= 6:
        found.append("memoize")
    found.append("profile")
    return list(dict.fromkeys(found))


class StrategyAdvisor:
    """The remedy to suggest for a hot function, ranked by feedback."""

    def __init__(self, path: Path | None = None):
        self.helpfulness = Helpfulness(path)

    def advise(self, func: ast.FunctionDef | ast.AsyncFunctionDef, hot: Hot) -> dict:
        """`{"strategy", "title", "detail", "confidence", "evidence"}` for one hot function."""
        options = patterns(func)
        strategy, confidence = self.helpfulness.best("strategy", options)
        what, gain = STRATEGIES[strategy]
        evidence = f"{hot.share:.0%} of traced test time: {hot.calls:,} calls, {hot.time_s:.2f} s"
        return {"strategy": strategy, "title": f"⚡ {evidence} — try: {what}", "detail": f"Expected gain: {gain}.",
                "confidence": confidence, "evidence": evidence, "options": options}

    def learn_one(self, strategy: str, options: list[str], helpful: bool) -> None:
        """Feedback on a suggested remedy."""
        self.helpfulness.learn_one("strategy", strategy, options, helpful)


def functions(tree: ast.AST) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function of a module by qualified name (`Class.method`, nested with dots)."""
    out: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out[prefix + child.name] = child
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out
