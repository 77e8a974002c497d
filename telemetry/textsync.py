"""Events derived from LSP text-document sync: opened, modified, saved, closed.

`DocumentTracker` remembers, in memory only, each open document's length and
line count, so a `didChange` turns into counts (characters added and
deleted, lines changed) without the text itself ever leaving this module.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .events import Event


@dataclass
class _Doc:
    length: int
    lines: list[int] | None  # hash of each line, for clients that send whole texts


def _line_hashes(text: str) -> list[int]:
    return [hash(line) for line in text.split("\n")]


def _changed_lines(old: list[int], new: list[int]) -> int:
    """Lines that differ between two versions: what is left after the common head and tail.

    >>> _changed_lines([1, 2, 3, 4], [1, 9, 9, 3, 4])
    2
    """
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return max(len(old) - head - tail, len(new) - head - tail)


class DocumentTracker:
    """Turns text-sync notifications into events; keeps no text, only counts."""

    def __init__(self, clock=time.time):
        self._docs: dict[str, _Doc] = {}
        self._clock = clock

    def opened(self, uri: str, text: str) -> Event:
        """`file_opened` for a document the editor opened."""
        self._docs[uri] = _Doc(len(text), _line_hashes(text))
        return Event("file_opened", self._clock(), uri)

    def changed(self, uri: str, changes: Iterable[Any], text: str) -> Event | None:
        """`file_modified` for a set of content changes; `text` is the document after them.

        Each change is an LSP content change: with `range` (incremental) or without (whole text).
        """
        doc = self._docs.get(uri)
        added = lines = 0
        whole = False
        for change in changes:
            new_text = getattr(change, "text", "") or ""
            added_here = len(new_text)
            rng = getattr(change, "range", None)
            if rng is None:
                whole = True
                continue
            added += added_here
            lines += max(rng.end.line - rng.start.line, new_text.count("\n")) + 1
        new_len = len(text)
        old_len = doc.length if doc else new_len
        new_lines = _line_hashes(text) if (whole or doc is None) else None
        if whole:
            old_hashes = doc.lines if doc and doc.lines is not None else []
            lines = _changed_lines(old_hashes, new_lines)
            added, deleted = max(0, new_len - old_len), max(0, old_len - new_len)
        else:
            deleted = max(0, added - (new_len - old_len))
        # Incremental clients never need line hashes again: drop them rather than rehash per keystroke.
        self._docs[uri] = _Doc(new_len, new_lines)
        if added == 0 and deleted == 0 and lines == 0:
            return None
        data = {"chars_added": added, "chars_deleted": deleted, "lines_changed": lines}
        return Event("file_modified", self._clock(), uri, MappingProxyType(data))

    def saved(self, uri: str) -> Event:
        """`file_saved`."""
        return Event("file_saved", self._clock(), uri)

    def closed(self, uri: str) -> Event:
        """`file_closed`; the document is forgotten."""
        self._docs.pop(uri, None)
        return Event("file_closed", self._clock(), uri)

    def open_uris(self) -> list[str]:
        """The documents the editor has open."""
        return list(self._docs)

    def is_open(self, uri: str) -> bool:
        """Whether the editor has this document open (edits to it are not external)."""
        return uri in self._docs

