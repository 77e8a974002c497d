"""The open documents' text (pygls's workspace), with lines counted as LSP counts them.

pygls applies an incremental edit by splitting the document with
`str.splitlines`, which also breaks at a form feed, a vertical tab, `\\x85`
and U+2028/U+2029.  LSP (like the Python parser) ends lines at `\\n`, `\\r\\n`
and `\\r` only, so in a file with a form feed between sections (the standard
library's `email` package, GNU-style code) every edit below it landed a line
off, and the server's copy of the text drifted from the editor's.  Here the
documents split lines the LSP way (`models/types/lines.py`); the protocol
makes its workspace one of these (`app.PulseDevProtocol`).
"""

from __future__ import annotations

from pygls.workspace import TextDocument, Workspace

from .models.types.lines import source_lines


class LspTextDocument(TextDocument):
    """A pygls text document whose `lines` end where LSP's do."""

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(source_lines(self.source))


class LspWorkspace(Workspace):
    """A pygls workspace of `LspTextDocument`s."""

    def _create_text_document(self, doc_uri: str, source: str | None = None, version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self.position_codec)


def lsp_workspace(workspace: Workspace | None) -> Workspace | None:
    """The workspace pygls made, as an `LspWorkspace` (same state; only its documents' class differs)."""
    if type(workspace) is Workspace:
        workspace.__class__ = LspWorkspace
    return workspace
