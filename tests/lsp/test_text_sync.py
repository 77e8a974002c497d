"""Text sync over stdio: opens, edits, saves and closes become events; no source text is ever stored."""

from __future__ import annotations

import sqlite3

from helpers import request
from lsprotocol import types

SECRET = "def launch_codes():\n    return 'ZEBRA-PINEAPPLE-7731'\n"


def _rows(data_dir):
    conn = sqlite3.connect(data_dir / "pulsedev.db")
    try:
        return conn.execute("SELECT kind, path, data FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


async def test_edits_become_counted_events_without_text(client, workspace, data_dir):
    uri = (workspace / "secret.py").as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=SECRET)))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=1, character=12), end=types.Position(line=1, character=33)),
            text="'HELLO'\n    # TOP-SECRET-COMMENT")]))
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    status = await request(client, "pulsedev/status", {"now": 4102000000})
    assert status["events"]["stored"] == 4

    import json

    rows = _rows(data_dir)
    assert [r[0] for r in rows] == ["file_opened", "file_modified", "file_saved", "file_closed"]
    modified = json.loads(rows[1][2])
    assert modified == {"chars_added": 32, "chars_deleted": 21, "lines_changed": 2}
    assert all(r[1].startswith("h:") and "secret" not in r[1] for r in rows)  # paths hashed by default

    # Nothing under the data dir holds the text, a line of it, or the file's name.
    await client.shutdown_session()
    for path in data_dir.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for needle in (b"ZEBRA-PINEAPPLE", b"TOP-SECRET", b"launch_codes", b"secret.py"):
                assert needle not in blob, f"{needle!r} found in {path}"
