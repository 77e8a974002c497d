"""textDocument/codeAction over stdio: the annotate quickfix inserts valid annotations and needed imports;
the hide action takes a wrong hint away for good."""

from __future__ import annotations

import ast
import asyncio
import os
import sys

import pytest
import pytest_lsp
from helpers import init_params, listen, request
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "pulsedev", "serve"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PULSEDEV_TYPES_TRAIN_DELAY": "3600"}

SHAPES = "class Widget:\n    pass\n\n\ndef make():\n    return Widget()\n"
USER = '"""Uses shapes."""\nfrom shapes import make\n\n\ndef build(count=3):\n    return make()\n'


@pytest.fixture
def workspace(tmp_path):
    """A workspace with two modules; `user.build` returns a class defined in `shapes`."""
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "shapes.py").write_text(SHAPES)
    (folder / "user.py").write_text(USER)
    return folder


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, workspace, data_dir):
    """A real server on the two-module workspace."""
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(workspace, data_dir))
    for _ in range(100):
        if (await request(lsp_client, "pulsedev/typesStatus")).get("indexed"):
            break
        await asyncio.sleep(0.05)
    yield
    await lsp_client.shutdown_session()


def apply(text, edits):
    """Apply non-overlapping insert edits to a text."""
    lines = text.splitlines(keepends=True) + [""]
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        ln, ch = e.range.start.line, e.range.start.character
        lines[ln] = lines[ln][:ch] + e.new_text + lines[ln][ch:]
    return "".join(lines)


async def actions_for(client, uri, text, line, only=None):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    rng = types.Range(start=types.Position(line, 0), end=types.Position(line, 0))
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
        context=types.CodeActionContext(diagnostics=[], only=only)))


async def annotate_actions(client, uri, text, line):
    return [a for a in await actions_for(client, uri, text, line) if a.title.startswith("Add type annotation")]


async def hints_of(client, uri):
    return await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(0, 0), end=types.Position(10, 0))))


async def test_code_action_inserts_annotation_and_import(client, workspace):
    uri = (workspace / "user.py").as_uri()
    actions = await annotate_actions(client, uri, USER, 4)
    titles = sorted(a.title for a in actions)
    assert titles == ["Add type annotation `-> Widget`", "Add type annotation `: int`"]
    ret = next(a for a in actions if "Widget" in a.title)
    assert ret.kind == types.CodeActionKind.QuickFix
    new = apply(USER, ret.edit.changes[uri])
    tree = ast.parse(new)  # still valid Python
    assert "from shapes import Widget\n" in new
    build = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    assert ast.unparse(build.returns) == "Widget"
    assert new.index("from shapes import Widget") > new.index('"""Uses shapes."""')


async def test_code_action_for_every_hint_matches_the_hint_edit(client, workspace):
    uri = (workspace / "user.py").as_uri()
    actions = await annotate_actions(client, uri, USER, 4)
    hints = await hints_of(client, uri)
    assert sorted(h.label for h in hints) == sorted(a.title.split("`")[1] for a in actions)
    for h in hints:
        action = next(a for a in actions if a.title.split("`")[1] == h.label)
        assert action.edit.changes[uri] == h.text_edits
        ast.parse(apply(USER, h.text_edits))


async def test_no_action_outside_slot_lines_and_label_only_feedback_is_taken(client, workspace):
    uri = (workspace / "user.py").as_uri()
    assert not await actions_for(client, uri, USER, 1)
    assert not await actions_for(client, uri, USER, 4, only=[types.CodeActionKind.SourceOrganizeImports])
    assert await actions_for(client, uri, USER, 4, only=[types.CodeActionKind.QuickFix])
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="pulsedev.typeHintFeedback", arguments=[{"label": ": int", "accepted": False}]))
    assert result == {"ok": True}
    for bad in ([], [None], ["x"], [{"label": 3, "slot": "nope", "uri": 7}], [{"slot": [1, 2, 3], "label": ": int"}],
                [{"uri": "file:///x.py", "slot": ["parameter", "f", "a"], "label": "]["}]):
        assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
            command="pulsedev.typeHintFeedback", arguments=bad)) == {"ok": True}
    assert [h.label for h in await hints_of(client, uri)]  # the server is still answering


async def test_the_hide_action_takes_that_hint_away_and_edits_nothing(client, workspace):
    uri = (workspace / "user.py").as_uri()
    before = sorted(h.label for h in await hints_of(client, uri))
    actions = await actions_for(client, uri, USER, 4)
    hide = next(a for a in actions if a.title == "Hide type hint `: int` (wrong type)")
    assert isinstance(hide, types.Command) and hide.command == "pulsedev.typeHintFeedback"
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=hide.command, arguments=hide.arguments))
    after = sorted(h.label for h in await hints_of(client, uri))
    assert ": int" in before and after == [label for label in before if label != ": int"]
    titles = [a.title for a in await actions_for(client, uri, USER, 4)]
    assert not any("`: int`" in t for t in titles) and any("-> Widget" in t for t in titles)
    restored = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="pulsedev.showHiddenHints", arguments=[]))
    assert restored == {"restored": 1}
    assert sorted(h.label for h in await hints_of(client, uri)) == before
