"""Text-document sync: editors' opens, edits, saves and closes become events (never their text)."""

from __future__ import annotations

from lsprotocol import types

from ..app import PulseDevServer, server


def _submit(ls: PulseDevServer, event) -> None:
    if ls.runtime and event is not None:
        ls.runtime.submit_events([event])


def _prefetch(ls: PulseDevServer, uri: str) -> None:
    """Let the type engine analyse the new text in the background (the latest text per URI wins)."""
    engine = ls.services.get("types")
    if engine is not None:
        engine.prefetch(uri, ls.workspace.get_text_document(uri).source)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: PulseDevServer, params: types.DidOpenTextDocumentParams) -> None:
    """`file_opened`."""
    if ls.runtime:
        _submit(ls, ls.runtime.tracker.opened(params.text_document.uri, params.text_document.text))
    _prefetch(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: PulseDevServer, params: types.DidChangeTextDocumentParams) -> None:
    """`file_modified` with counts of what changed."""
    if ls.runtime:
        uri = params.text_document.uri
        text = ls.workspace.get_text_document(uri).source
        _submit(ls, ls.runtime.tracker.changed(uri, params.content_changes, text))
    _prefetch(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: PulseDevServer, params: types.DidSaveTextDocumentParams) -> None:
    """`file_saved`; the type engine re-reads the file for the hints of the files that use it."""
    if ls.runtime:
        _submit(ls, ls.runtime.tracker.saved(params.text_document.uri))
    engine = ls.services.get("types")
    if engine is not None:
        engine.saved(params.text_document.uri, ls.workspace.get_text_document(params.text_document.uri).source)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: PulseDevServer, params: types.DidCloseTextDocumentParams) -> None:
    """`file_closed`."""
    if ls.runtime:
        _submit(ls, ls.runtime.tracker.closed(params.text_document.uri))
