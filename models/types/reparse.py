"""Parse trees reused across versions of one document: only the changed statements are parsed.

An editor sends the whole text after each keystroke, but an edit touches one
place.  `reparse` parses only the top-level statements around the changed
lines and keeps the (line-shifted) trees of the rest, falling back to a full
parse whenever the changed chunk does not parse on its own — so the tree is
always the one `ast.parse` would give.  A changed class whose header is
unchanged is spliced by method the same way.  `unit_start` gives where a
top-level statement (a "unit") begins, decorators included.
"""

from __future__ import annotations

import ast
import bisect
import copy


def unit_start(node: ast.stmt) -> int:
    """1-based first line of a top-level statement, decorators included."""
    decorators = getattr(node, "decorator_list", None)
    return min([node.lineno, *(d.lineno for d in decorators)]) if decorators else node.lineno


def _shift(node: ast.AST, delta: int) -> None:
    """Moves every position in `node`'s subtree by `delta` lines (in place).

    The positioned nodes of a subtree are listed once and kept on its root, so moving an
    unchanged statement again (every edit above it) costs a loop, not a walk.
    """
    flat = node.__dict__.get("_pulsedev_flat")
    if flat is None:
        flat = node._pulsedev_flat = [n for n in ast.walk(node) if "lineno" in n._attributes]
    for n in flat:
        n.lineno += delta
        if n.end_lineno is not None:
            n.end_lineno += delta


def _is_code(line: str) -> bool:
    s = line.strip()
    return bool(s) and not s.startswith("#")


def reparse(old_lines: list[str] | None, old_tree: ast.Module | None, text: str,
            lines: list[str] | None = None) -> ast.Module:
    """The tree of `text`, parsing only what changed since `old_lines`/`old_tree` (raises SyntaxError).

    Every top-level statement of the old tree whose lines reappear, in order, from a line at
    column 0 is kept.  The text between kept statements is parsed on its own, or together
    with a neighbour when it does not parse alone (an added `else:`, an indented line that
    continues a def, a decorator); the whole text is parsed when that fails too.  Pieces
    that each parse alone and start at column 0 parse the same together, so the result
    equals `ast.parse(text)`.  A changed class whose header is unchanged is spliced the same
    way one level down: its unchanged methods are kept and only the changed ones parsed.
    Kept nodes are shifted in place when lines were added or removed above them: the old
    tree must not be used afterwards.
    """
    new_lines = lines if lines is not None else text.splitlines(keepends=True)
    if old_tree is None or old_lines is None or not old_tree.body:
        return ast.parse(text)
    if old_lines == new_lines:
        return old_tree
    body = _splice(old_tree.body, old_lines, new_lines, 0, len(new_lines), 0)
    return ast.Module(body=body, type_ignores=[]) if body is not None else ast.parse(text)


def _parse_piece(new_lines: list[str], a: int, b: int, indent: int) -> list[ast.stmt] | None:
    """The statements of new lines [a, b) at `indent` (0: module level; else a class body), or None."""
    piece = "".join(new_lines[a:b])
    try:
        if indent == 0:
            body = ast.parse(piece).body
            delta = a
        else:
            first = next((ln for ln in new_lines[a:b] if _is_code(ln)), "")
            if len(first) - len(first.lstrip(" ")) != indent or first[:1] == "\t":
                return None  # not a statement of this body (it continues the one before)
            body = ast.parse("class _:\n" + piece).body[0].body
            delta = a - 1
    except (SyntaxError, ValueError, IndexError):
        return None
    for node in body:
        _shift(node, delta)
    return body


def _splice(old_body: list[ast.stmt], old_lines: list[str], new_lines: list[str], lo: int, hi: int,
            indent: int) -> list[ast.stmt] | None:
    """The statements of new lines [lo, hi), reusing `old_body`'s unchanged ones; None if it cannot."""
    starts: dict[str, list[int]] = {}
    for i in range(lo, hi):
        line = new_lines[i]
        if line[indent:indent + 1] not in ("", " ", "\t", "\r", "\n", "#") and not line[:indent].strip():
            starts.setdefault(line, []).append(i)
    kept: list[tuple[ast.stmt, int, int, int]] = []  # (old node, first line, end exclusive, old index)
    pos, last_end = lo, 0
    for k, node in enumerate(old_body):
        start, end = unit_start(node) - 1, node.end_lineno
        if start < last_end:  # two statements on one line (`a = 1; b = 2`)
            return None
        last_end = end
        old = old_lines[start:end]
        cands = starts.get(old[0], ()) if old else ()
        for c in cands[bisect.bisect_left(cands, pos):]:
            if c + end - start <= hi and new_lines[c:c + end - start] == old:
                kept.append((node, c, c + end - start, k))
                pos = c + end - start
                break
    out: list[ast.stmt] = []
    j, at = 0, lo
    while True:
        gap_hi = kept[j][1] if j < len(kept) else hi
        if any(_is_code(line) for line in new_lines[at:gap_hi]):
            lo_old = kept[j - 1][3] + 1 if j > 0 else 0
            hi_old = kept[j][3] if j < len(kept) else len(old_body)
            done = _class_in_gap(old_body[lo_old:hi_old], old_lines, new_lines, at, gap_hi, indent)
            if done is not None:
                out.extend(done)
                at = gap_hi
            else:
                prev = j > 0 and bool(out) and out[-1] is kept[j - 1][0]
                tries = [(at, gap_hi, False, False)]
                if prev:
                    tries.append((kept[j - 1][1], gap_hi, True, False))
                if j < len(kept):
                    tries.append((at, kept[j][2], False, True))
                    if prev:
                        tries.append((kept[j - 1][1], kept[j][2], True, True))
                for a, b, with_prev, with_next in tries:  # noqa: B007 - read after the loop: the try that parsed
                    chunk = _parse_piece(new_lines, a, b, indent)
                    if chunk is not None:
                        break
                else:
                    return None
                if with_prev:
                    out.pop()
                out.extend(chunk)
                at = b
                if with_next:
                    j += 1
                    continue
        if j >= len(kept):
            break
        node, c, at, _ = kept[j]
        if c != unit_start(node) - 1:
            _shift(node, c - (unit_start(node) - 1))
        out.append(node)
        j += 1
    return out


def _class_in_gap(candidates: list[ast.stmt], old_lines: list[str], new_lines: list[str], lo: int, hi: int,
                  indent: int) -> list[ast.stmt] | None:
    """A changed top-level class alone in new lines [lo, hi) with its header unchanged, spliced by method."""
    if indent != 0 or len(candidates) != 1 or not isinstance(candidates[0], ast.ClassDef):
        return None
    cls = candidates[0]
    if not cls.body:
        return None
    start, body_start = unit_start(cls) - 1, unit_start(cls.body[0]) - 1
    header = old_lines[start:body_start]
    first = next((i for i in range(lo, hi) if _is_code(new_lines[i])), None)
    if first is None or new_lines[first:first + len(header)] != header:
        return None
    end = first + len(header)  # the class runs to the next line of code at column 0
    while end < hi and not (_is_code(new_lines[end]) and not new_lines[end][:1].isspace()):
        end += 1
    if any(_is_code(line) for line in new_lines[end:hi]):
        return None  # more than the class changed here
    body_indent = cls.body[0].col_offset
    body = _splice(cls.body, old_lines, new_lines, first + len(header), end, body_indent)
    if not body:
        return None
    delta = first - start
    new = copy.copy(cls)
    new.__dict__.pop("_pulsedev_flat", None)  # its body is new
    for node in [*cls.decorator_list, *cls.bases, *cls.keywords]:
        _shift(node, delta)
    new.lineno = cls.lineno + delta
    new.body = body
    new.end_lineno, new.end_col_offset = body[-1].end_lineno, body[-1].end_col_offset
    return [new]
