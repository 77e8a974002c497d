"""The open documents' analyses: `Documents`, held by the type engine.

Per URI: the analyses of its current text, by the line range asked for (a
hover, a repeated request or scrolling back costs nothing while the text and
the engine's generation are the same), and the `DocumentMemo` that the next
edit is re-inferred from (incremental.py).  Only the most recent documents are
kept.  `uri_path` maps a document's file:// URI to its path.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlparse

from pulsedev.models.types.incremental import DocumentMemo

MAX_DOCS = 64


def uri_path(uri: str) -> Path | None:
    """The local path of a file:// URI."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def digest(text: str) -> str:
    """The identity of a document version."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


class Documents:
    """Per URI, an entry for its latest version (`{"digest", "gen", "ranges", "whole"?}`) and a memo."""

    def __init__(self, max_docs: int = MAX_DOCS):
        self.max_docs = max_docs
        self._entries: dict[str, dict] = {}  # uri -> {"digest", "gen", "ranges": {lines: (analysis, hints)}}
        self._memos: dict[str, DocumentMemo] = {}

    def get(self, uri: str) -> dict | None:
        """The entry of the version last asked for, if any."""
        return self._entries.get(uri)

    def asked(self, uri: str, text: str, generation: int) -> bool:
        """Whether this version of the document has been asked for already."""
        entry = self._entries.get(uri)
        return entry is not None and entry["gen"] == generation and entry["digest"] == digest(text)

    def entry(self, uri: str, text: str, generation: int) -> dict:
        """This version's entry, made afresh (its analyses dropped) for a new text or generation."""
        d = digest(text)
        entry = self._entries.get(uri)
        if entry is None or entry["digest"] != d or entry["gen"] != generation:
            entry = {"digest": d, "gen": generation, "ranges": {}}
            self._entries.pop(uri, None)
            if len(self._entries) >= self.max_docs:
                self._entries.pop(next(iter(self._entries)))
            self._entries[uri] = entry
        return entry

    def memo(self, uri: str) -> DocumentMemo:
        """What the document's last analysis leaves for the next edit."""
        memo = self._memos.get(uri)
        if memo is None:
            memo = self._memos[uri] = DocumentMemo()
            if len(self._memos) > self.max_docs:
                self._memos.pop(next(iter(self._memos)))
        return memo
