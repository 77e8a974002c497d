"""Slots: the places in a Python file where a type annotation can go.

A slot is a parameter, a def's return, or the first plain assignment to a name
(or `self.name`) in a scope.  Each slot carries its exact LSP position (0-based
line, UTF-16 column) where the hint label and the inserted text go, whether it
is already annotated, and a stable key (kind, qualname, name) that does not move
with whitespace edits.  `self`/`cls` are never slots.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace

from pulsedev.models.types.lines import source_lines
from pulsedev.models.types.reparse import unit_start


@dataclass
class Slot:
    """One annotatable place; `node` is the ast node that owns it."""

    kind: str  # "parameter" | "return" | "variable"
    qualname: str  # enclosing function (or class/module for variables)
    name: str  # parameter or target name; "return" for returns
    line: int  # LSP position where the annotation text is inserted
    character: int
    annotation: ast.expr | None
    node: ast.AST = field(repr=False)
    func: ast.FunctionDef | ast.AsyncFunctionDef | None = field(default=None, repr=False)
    cls: ast.ClassDef | None = field(default=None, repr=False)
    index: int = 0  # parameter position

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable identity across edits that do not rename anything."""
        return (self.kind, self.qualname, self.name)


class Positions:
    """Converts ast (line, utf-8 byte col) to LSP (line, utf-16 col) and scans source."""

    def __init__(self, source: str):
        self.lines = source_lines(source) or [""]  # as the parser counts them (lines.py)

    def lsp(self, lineno: int, byte_col: int) -> tuple[int, int]:
        """0-based LSP position of an ast position (1-based line, byte column)."""
        line = self.lines[lineno - 1] if 0 < lineno <= len(self.lines) else ""
        if line.isascii():
            return lineno - 1, byte_col
        prefix = line.encode("utf-8")[:byte_col].decode("utf-8", "replace")
        return lineno - 1, len(prefix.encode("utf-16-le")) // 2

    def char_col(self, lineno: int, byte_col: int) -> int:
        """String index in the line of a byte column."""
        line = self.lines[lineno - 1]
        if line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def closing_paren(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int] | None:
        """(1-based line, byte col) just after the `)` closing a def's parameter list."""
        row, col = func.lineno, self.char_col(func.lineno, func.col_offset)
        text = self.lines[row - 1]
        start = text.find("(", text.find(func.name, col) + len(func.name))
        if start < 0:
            return None
        depth, r, c, quote = 0, row - 1, start, None
        while r < len(self.lines):
            text = self.lines[r]
            while c < len(text):
                ch = text[c]
                if quote:
                    if ch == "\\":
                        c += 2
                        continue
                    if text.startswith(quote, c):
                        c += len(quote)
                        quote = None
                        continue
                elif ch == "#":
                    break
                elif ch in "\"'":
                    quote = ch * 3 if text.startswith(ch * 3, c) else ch
                    c += len(quote)
                    continue
                elif ch in "([{":
                    depth += 1
                elif ch in ")]}":
                    depth -= 1
                    if depth == 0:
                        return r + 1, len(text[: c + 1].encode("utf-8"))
                c += 1
            r, c = r + 1, 0
        return None


def _args(func: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    a = func.args
    out = [*a.posonlyargs, *a.args]
    if a.vararg:
        out.append(a.vararg)
    out.extend(a.kwonlyargs)
    if a.kwarg:
        out.append(a.kwarg)
    return out


def parameter_slot(func: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef | None, arg: ast.arg,
                   index: int = 0) -> Slot:
    """The slot of a parameter of a def (of class `cls`), without a position: for reading its evidence."""
    qualname = f"{cls.name}.{func.name}" if cls is not None else func.name
    return Slot("parameter", qualname, arg.arg, 0, 0, None, arg, func, cls, index)


def is_implicit_first(func: ast.FunctionDef | ast.AsyncFunctionDef, arg: ast.arg, in_class: bool) -> bool:
    """True for `self`/`cls` (and the first parameter of any method that is not static)."""
    if arg.arg in ("self", "cls", "mcs", "metacls"):
        return True
    params = [*func.args.posonlyargs, *func.args.args]
    if not in_class or not params or params[0] is not arg:
        return False
    decorators = {d.id if isinstance(d, ast.Name) else getattr(d, "attr", "") for d in func.decorator_list}
    return "staticmethod" not in decorators


def is_overload(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a def is an `@overload` signature (`typing.overload` or `overload`)."""
    return any((d.id if isinstance(d, ast.Name) else getattr(d, "attr", "")) == "overload" for d in func.decorator_list)


def find_slots(tree: ast.Module, source: str, include_annotated: bool = False, reuse: dict | None = None) -> list[Slot]:
    """Every slot of a parsed module in source order (unannotated ones unless asked).

    `reuse`, a dict the caller keeps between versions of one document (incremental.py), takes
    the slots of each top-level statement that is the same node with the same text as before
    (an edit elsewhere moved it at most), moved by the lines it moved.
    """
    pos = Positions(source)
    slots: list[Slot] = []
    used: dict[str, int] = {}  # qualname -> defs so far (a setter after its property: `f@2`)
    module_seen: set[str] = set()  # names assigned at module level so far (a slot is the first)
    log: list[tuple[str, str, int]] = []  # what a top-level statement read of `used` and `module_seen`

    def add(slot: Slot) -> None:
        if include_annotated or slot.annotation is None:
            slots.append(slot)

    def visit_body(body: list[ast.stmt], prefix: str, func, cls, seen: set[str]) -> None:
        for stmt in body:
            visit_stmt(stmt, prefix, func, cls, seen)

    def visit_stmt(stmt: ast.stmt, prefix: str, func, cls, seen: set[str]) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if is_overload(stmt):
                return  # overload signatures are annotations by nature, never slots
            qual = f"{prefix}{stmt.name}"
            log.append(("def", qual, used.get(qual, 0)))
            used[qual] = used.get(qual, 0) + 1
            if used[qual] > 1:  # a property's setter, a conditional redefinition: keep keys unique
                qual = f"{qual}@{used[qual]}"
            in_class = cls is not None and func is None
            for i, arg in enumerate(_args(stmt)):
                if is_implicit_first(stmt, arg, in_class):
                    continue
                line, ch = pos.lsp(arg.lineno, arg.col_offset + len(arg.arg.encode("utf-8")))
                add(Slot("parameter", qual, arg.arg, line, ch, arg.annotation, arg, stmt, cls if in_class else None, i))
            end = pos.closing_paren(stmt)
            if end is not None:
                line, ch = pos.lsp(*end)
                add(Slot("return", qual, "return", line, ch, stmt.returns, stmt, stmt, cls if in_class else None))
            visit_body(stmt.body, qual + ".", stmt, cls if in_class else None, set())
        elif isinstance(stmt, ast.ClassDef):
            visit_body(stmt.body, f"{prefix}{stmt.name}.", None, stmt, set())
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
            if isinstance(stmt, ast.Assign) and len(stmt.targets) != 1:
                return
            name = _target_name(target, func)
            if name is not None and seen is module_seen:
                log.append(("name", name, name in seen))
            if name is None or name in seen or stmt.value is None:
                if name and isinstance(stmt, ast.AnnAssign):
                    seen.add(name)
                return
            seen.add(name)
            line, ch = pos.lsp(target.end_lineno, target.end_col_offset)
            ann = stmt.annotation if isinstance(stmt, ast.AnnAssign) else None
            owner = f"{prefix[:-1]}" if prefix else "<module>"
            add(Slot("variable", owner, name, line, ch, ann, stmt, func, cls))
        else:
            for child_body in _sub_bodies(stmt):
                visit_body(child_body, prefix, func, cls, seen)

    kept: dict[int, tuple] = {}
    for stmt in tree.body:
        text = "".join(pos.lines[unit_start(stmt) - 1:stmt.end_lineno]) if reuse is not None else ""
        old = reuse.get(id(stmt)) if reuse is not None else None
        if old is not None and old[0] is stmt and old[1] == text and _replay(old[3], used, module_seen):
            shift = stmt.lineno - old[2]
            slots += [replace(s, line=s.line + shift) for s in old[4]] if shift else old[4]
        else:
            first, log = len(slots), []
            visit_stmt(stmt, "", None, None, module_seen)
            if reuse is not None:
                old = (stmt, text, stmt.lineno, log, slots[first:])
        if reuse is not None:
            kept[id(stmt)] = old
    if reuse is not None:
        reuse.clear()
        reuse.update(kept)
    return slots


def _replay(log: list[tuple[str, str, int]], used: dict[str, int], seen: set[str]) -> bool:
    """Whether a top-level statement would find `used` and the module's `seen` as it did before
    (its slots' keys depend on them); if so, leaves in them what visiting it would have."""
    counts: dict[str, int] = {}
    added: set[str] = set()
    for kind, name, was in log:
        if kind == "def":
            if used.get(name, 0) + counts.get(name, 0) != was:
                return False
            counts[name] = counts.get(name, 0) + 1
        else:
            if (name in seen or name in added) != was:
                return False
            added.add(name)  # a checked name is assigned from there on
    for name, n in counts.items():
        used[name] = used.get(name, 0) + n
    seen.update(added)
    return True


def _target_name(target: ast.expr, func) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if (func is not None and func.name == "__init__" and isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name) and target.value.id == "self"):
        return f"self.{target.attr}"
    return None


def _sub_bodies(stmt: ast.stmt) -> list[list[ast.stmt]]:
    out = []
    for name in ("body", "orelse", "finalbody"):
        b = getattr(stmt, name, None)
        if isinstance(b, list) and b and isinstance(b[0], ast.stmt):
            out.append(b)
    for h in getattr(stmt, "handlers", []) or []:
        out.append(h.body)
    for c in getattr(stmt, "cases", []) or []:
        out.append(c.body)
    return out
