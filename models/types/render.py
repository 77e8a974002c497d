"""Rendering predictions as LSP inlay hints and code actions (plain JSON dicts).

A type is written in PEP 585/604 form with every name reachable in the file:
builtins, names the file defines or imports, or a name this module knows how
to import (`typing`, `collections.abc`, common standard library, workspace
classes from the index) — then an import edit goes with the annotation.  A type
with a name that cannot be made reachable is not shown.  For a workspace that
must run on an older Python (target.py), a file without `from __future__ import
annotations` gets that import too when the annotation would not evaluate there
(`X | None` before 3.10, `list[str]` before 3.9), or when it names a class not
bound yet where it is evaluated (a method returning its own class, a class
defined further down) or imported only under `if TYPE_CHECKING:`; `Self` / `Never` are not offered
before 3.11 unless the file imports them.  A name imported only inside a def
counts as not imported.
"""

from __future__ import annotations

import ast
import builtins
import functools

from pulsedev.models.types.analysis import SlotResult
from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.typetext import head_names

BUILTIN_NAMES = {n for n in dir(builtins) if not n.startswith("_")} | {"None", "..."}
#: Names `typing` has from Python 3.11 on only.
NEW_IN_311 = {"Self", "Never"}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


@functools.lru_cache(maxsize=16)
def module_imports(tree: ast.Module) -> tuple[frozenset[str], frozenset[str]]:
    """The names the file's module-level imports bind: at run time, and only under `if TYPE_CHECKING:`.
    An import inside a def or a class binds nothing that another def's signature can use."""
    runtime: set[str] = set()
    checking: set[str] = set()

    def visit(body: list[ast.stmt], into: set[str]) -> None:
        for node in body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                into.update(a.asname or a.name.split(".")[0] for a in node.names if a.name != "*")
            elif isinstance(node, ast.If):
                visit(node.body, checking if _is_type_checking(node.test) else into)
                visit(node.orelse, into)
            elif isinstance(node, (ast.Try, ast.TryStar)):
                for part in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                    visit(part, into)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                visit(node.body, into)

    visit(tree.body, runtime)
    return frozenset(runtime), frozenset(checking - runtime)


def reachable(type_text: str, ctx, index=None, extra: dict | None = None) -> tuple[str, list[tuple[str, str]]] | None:
    """The type text as written in the file and the (module, name) imports it needs; None if not possible.

    A name the file imports only inside a def is not reachable from another def's signature: it is
    treated as not imported."""
    runtime, checking = module_imports(ctx.tree)
    imported = runtime | checking
    needed: list[tuple[str, str]] = []
    for name in head_names(type_text):
        head = name.split(".")[0]
        if "." in name:
            if head in imported:
                continue
            return None
        if name in BUILTIN_NAMES or name in ctx.classes or name in imported or name in ctx.functions:
            continue
        module = KNOWN_IMPORTS.get(name) or (extra or {}).get(name)
        if module is None and index is not None:
            module = index.classes.get(name)
            if module == ctx.module:
                continue
        if module is None:
            return None
        if (module, name) not in needed:
            needed.append((module, name))
    return type_text, needed


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def import_position(tree: ast.Module) -> int:
    """The 0-based line where a new import goes: after the top docstring, `__future__` and imports."""
    line = 0
    for i, node in enumerate(tree.body):
        if i == 0 and _is_docstring(node):
            line = node.end_lineno
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            line = node.end_lineno
            continue
        break
    return line


def _insert(line: int, text: str, character: int = 0) -> dict:
    at = {"line": line, "character": character}
    return {"range": {"start": at, "end": dict(at)}, "newText": text}


def future_position(tree: ast.Module) -> int:
    """The 0-based line where `from __future__ import annotations` goes: after the top docstring, else
    before the first statement (below a shebang or leading comments)."""
    if not tree.body:
        return 0
    first = tree.body[0]
    if _is_docstring(first):
        return first.end_lineno
    return min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))]) - 1


@functools.lru_cache(maxsize=16)
def _has_future_annotations(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.ImportFrom) and n.module == "__future__"
               and any(a.name == "annotations" for a in n.names) for n in tree.body)


def needs_future(text: str, tree: ast.Module, target: tuple[int, int] | None, classes: dict | None = None,
                 at: int = 0) -> bool:
    """Whether an annotation `text`, evaluated when line `at` runs, would fail without the future import:
    on the `target` Python; or at all when it names what the file imports only under `if TYPE_CHECKING:`,
    or one of the file's `classes` that is not yet bound there (defined below, or the class whose body
    holds the def: `def copy(self) -> Node` inside `class Node`)."""
    if _has_future_annotations(tree):
        return False
    checking = module_imports(tree)[1]
    heads = [name.split(".")[0] for name in head_names(text)]
    if any(h in checking or (h in (classes or {}) and classes[h].end_lineno >= at) for h in heads):
        return True
    if target is None or target >= (3, 10):
        return False
    return "|" in text or ("[" in text and target < (3, 9))


def _edits(result: SlotResult, text: str, needed, tree, future: bool = False) -> list[dict]:
    s = result.slot
    insert = f" -> {text}" if s.kind == "return" else f": {text}"
    edits = [_insert(s.line, insert, s.character)]
    if future:  # before any other import at the same place: edits at one position apply in order
        edits.append(_insert(future_position(tree), "from __future__ import annotations\n"))
    if needed:
        line = import_position(tree)
        new = "".join(f"from {m} import {n}\n" for m, n in needed)
        edits.append(_insert(line, new))
    return edits


def hint(result: SlotResult, ctx, tree, index=None, extra=None, target: tuple[int, int] | None = None) -> dict | None:
    """One InlayHint dict for a slot result, or None when its type cannot be written in the file
    (on the `target` Python, the oldest the workspace runs on; None: any)."""
    p = result.prediction
    got = reachable(p.type, ctx, index, extra)
    if got is None:
        return None
    text, needed = got
    if target is not None and target < (3, 11) and any(m == "typing" and n in NEW_IN_311 for m, n in needed):
        return None
    s = result.slot
    # a local variable's annotation is never evaluated (PEP 526); others are, when their statement runs
    local = s.kind == "variable" and s.func is not None
    future = not local and needs_future(text, tree, target, ctx.classes, (s.func or s.node).lineno)
    label = f"-> {text}" if s.kind == "return" else f": {text}"
    tooltip = f"**{label.strip()}** — confidence {p.confidence:.0%} ({p.source})\n\n{p.words}"
    adds = [("__future__", "annotations")] * future + needed
    if adds:
        tooltip += "\n\nAdds: " + ", ".join(f"`from {m} import {n}`" for m, n in adds)
    return {"position": {"line": s.line, "character": s.character}, "label": label, "kind": 1,
            "paddingLeft": s.kind == "return", "tooltip": {"kind": "markdown", "value": tooltip},
            "data": {"confidence": p.confidence, "source": p.source},
            "textEdits": _edits(result, text, needed, tree, future)}


def code_action(uri: str, h: dict) -> dict:
    """A quickfix code action inserting the annotation of one hint."""
    label = h["label"]
    return {"title": f"Add type annotation `{label.strip()}`", "kind": "quickfix",
            "edit": {"changes": {uri: h["textEdits"]}},
            "data": {**h["data"], "label": label}}


def hide_action(uri: str, label: str, key: tuple[str, str, str]) -> dict:
    """A command (offered among the code actions) rejecting one hint: it is not shown on that slot
    again, and its type is trusted less on slots of the same name (feedback.py); it edits nothing.
    A bare Command rather than a CodeAction carrying one: some clients (lsprotocol's) read any
    action with a `command` member as a Command."""
    args = {"uri": uri, "slot": list(key), "label": label.strip(), "accepted": False}
    return {"title": f"Hide type hint `{label.strip()}` (wrong type)", "command": "pulsedev.typeHintFeedback",
            "arguments": [args]}
