"""Stripping annotations from source text, keeping what they said as labels.

Used to build the model's training set (features are computed on the stripped
text, as at hint time) and by the evaluation (a stripped copy of a package is
what the server sees).  Parameter, return and assignment annotations are cut out
of the text; a bare `x: T` declaration cannot be stripped and is left alone.
"""

from __future__ import annotations

import ast

from pulsedev.models.types.lines import source_lines
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.typetext import normalize


def strip_source(source: str) -> tuple[str, dict[tuple[str, str, str], str | None]]:
    """The source without annotations, and slot key -> normalised original annotation.

    A label is None when the annotation cannot be normalised (e.g. `Literal`).

    >>> text, labels = strip_source("def f(a: int, b: 'str' = 'x') -> bool:\\n    return a > 0\\n")
    >>> text
    "def f(a, b = 'x'):\\n    return a > 0\\n"
    >>> labels[('parameter', 'f', 'b')], labels[('return', 'f', 'return')]
    ('str', 'bool')
    """
    tree = ast.parse(source)
    lines = source_lines(source)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode("utf-8")))
    data = source.encode("utf-8")
    cuts: list[tuple[int, int]] = []
    labels: dict[tuple[str, str, str], str | None] = {}
    for slot in find_slots(tree, source, include_annotated=True):
        ann = slot.annotation
        if ann is None or (slot.kind == "variable" and slot.func is None and slot.cls is not None):
            continue  # class-body annotations declare fields (dataclasses, NamedTuple): stripping changes behaviour
        labels.setdefault(slot.key, normalize(ann))
        end = offsets[ann.end_lineno - 1] + ann.end_col_offset
        if slot.kind == "parameter":
            arg = slot.node
            start = offsets[arg.lineno - 1] + arg.col_offset + len(arg.arg.encode("utf-8"))
        elif slot.kind == "return":
            start = _closing_paren_offset(data, offsets, slot)
        else:
            t = slot.node.target
            start = offsets[t.end_lineno - 1] + t.end_col_offset
        if start is not None and start < end:
            cuts.append((start, _close_parens(data, start, offsets[ann.lineno - 1] + ann.col_offset, end)))
    for start, end in sorted(cuts, reverse=True):
        data = data[:start] + data[end:]
    return data.decode("utf-8"), labels


def _close_parens(data: bytes, start: int, ann_start: int, end: int) -> int:
    """Extends a cut past the `)` closing any parenthesis the annotation was wrapped in: `x: (\n T\n)`.
    Only what comes before the annotation is counted: its own text is balanced, and its strings may
    hold any parentheses (`Annotated[str, Doc("(optional")]`)."""
    depth = data[start:ann_start].count(b"(") - data[start:ann_start].count(b")")
    while depth > 0:
        nxt = data.find(b")", end)
        if nxt < 0:
            break
        depth += data[end:nxt].count(b"(") - data[end:nxt].count(b")") - 1
        end = nxt + 1
    return end


def _closing_paren_offset(data: bytes, offsets: list[int], slot) -> int | None:
    line_text = data[offsets[slot.line]: offsets[slot.line + 1]].decode("utf-8")
    col = len(line_text[: _utf16_to_index(line_text, slot.character)].encode("utf-8"))
    return offsets[slot.line] + col


def _utf16_to_index(text: str, units: int) -> int:
    count = 0
    for i, ch in enumerate(text):
        if count >= units:
            return i
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)
