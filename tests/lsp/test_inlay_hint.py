"""textDocument/inlayHint over stdio: positions, labels, thresholds, toggles, stability, traces."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest
import pytest_lsp
from helpers import init_params, listen, request
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "pulsedev", "serve"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PULSEDEV_TYPES_TRAIN_DELAY": "3600"}  # static evidence only

SOURCE = '''\
class Box:
    def __init__(self, size=0):
        self.size = size

    @classmethod
    def empty(cls):
        return cls()

    def grow(self, by=1, loud=False):
        self.size += by

    def is_big(self) -> bool:
        return self.size > 10


def label(box: Box, prefix="n"):
    return f"{prefix}{box.size}"
'''


@pytest.fixture
def options():
    """Settings sent at initialize (tests override this fixture's value)."""
    return {}


@pytest.fixture
def pyproject():
    """The workspace's pyproject.toml (tests override this fixture's value; None: no file)."""
    return None


@pytest.fixture
def workspace(workspace, pyproject):
    """conftest's workspace, with the pyproject.toml a test gives."""
    if pyproject is not None:
        (workspace / "pyproject.toml").write_text(pyproject)
    return workspace


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, workspace, data_dir, options):
    """A real server with the given settings."""
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(workspace, data_dir, **options))
    yield
    if not lsp_client.stopped:
        await lsp_client.shutdown_session()


async def hints_for(client, workspace, text, name="box.py", version=1, opened=True):
    """Open (or change) a document and ask for its hints."""
    uri = (workspace / name).as_uri()
    if opened:
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
    else:
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
    end = types.Position(line=len(text.splitlines()) + 1, character=0)
    result = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(start=types.Position(0, 0), end=end)))
    return result or []


def at(lines, line, token):
    """The position just after the first `token` on a line."""
    return line, lines[line].index(token) + len(token)


def table(hints):
    return {(h.position.line, h.position.character): h.label for h in hints}


async def test_hints_sit_right_after_the_slot_and_skip_annotated_and_self(client, workspace):
    hints = await hints_for(client, workspace, SOURCE)
    got = table(hints)
    lines = SOURCE.splitlines()
    assert got[at(lines, 1, "size")] == ": int"             # size=0
    assert got[at(lines, 1, "size=0)")] == "-> None"        # __init__(...)
    assert got[at(lines, 8, "by")] == ": int"               # by=1
    assert got[at(lines, 8, "loud")] == ": bool"            # loud=False
    assert got[at(lines, 8, "loud=False)")] == "-> None"    # grow(...) has no return value
    assert got[at(lines, 15, "prefix")] == ": str"          # prefix="n"
    assert got[at(lines, 15, '"n")')] == "-> str"           # returns an f-string
    for h in hints:
        assert h.kind == types.InlayHintKind.Type
        assert h.data["confidence"] >= 0.8 and h.data["source"] in ("trace", "static", "model")
        assert "%" in h.tooltip.value and h.text_edits
        before = lines[h.position.line][: h.position.character]
        assert not before.endswith(("self", "cls")), "never on self/cls"
    assert at(lines, 11, "self)") not in got and at(lines, 15, "box") not in got  # annotated: untouched
    assert len(hints) == 7



async def test_a_form_feed_moves_no_hint_and_no_edit(client, workspace):
    """A form feed between sections (the standard library's page break) ends no line for LSP or the
    parser, though `str.splitlines` breaks there: hints below it, and edits made below it, stay on
    their line."""
    text = "def first(n=0):\n    return n\n\x0c\ndef second(flag=False):\n    return 1\n"
    lines = text.split("\n")
    got = table(await hints_for(client, workspace, text, name="paged.py"))
    assert got[at(lines, 3, "flag")] == ": bool" and got[at(lines, 3, "False)")] == "-> int"

    uri = (workspace / "paged.py").as_uri()
    client.text_document_did_change(types.DidChangeTextDocumentParams(  # flag=False -> name="x", below the form feed
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=3, character=11), end=types.Position(line=3, character=21)),
            text='name="x"')]))
    lines[3] = 'def second(name="x"):'
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(0, 0), end=types.Position(6, 0))))
    got = table(hints)
    assert got[at(lines, 3, "name")] == ": str" and got[at(lines, 3, '"x")')] == "-> int"
    assert got[at(lines, 0, "n")] == ": int"


async def test_hint_edits_give_valid_annotated_code(client, workspace):
    import ast

    hints = await hints_for(client, workspace, SOURCE)
    lines = SOURCE.splitlines(keepends=True)
    for h in sorted(hints, key=lambda h: (h.position.line, h.position.character), reverse=True):
        for e in h.text_edits:
            ln, ch = e.range.start.line, e.range.start.character
            lines[ln] = lines[ln][:ch] + e.new_text + lines[ln][ch:]
    tree = ast.parse("".join(lines))
    grow = tree.body[0].body[2]
    assert ast.unparse(grow.args.args[1].annotation) == "int" and ast.unparse(grow.returns) == "None"


OLD = '"""Runs on Python 3.8."""\nimport os\n\n\ndef words(text=""):\n    return text.split()\n'


@pytest.mark.parametrize("pyproject, future", [('[project]\nname = "old"\nrequires-python = ">=3.8"\n', True),
                                               ('[project]\nname = "new"\nrequires-python = ">=3.10"\n', False)])
async def test_hint_edits_are_valid_on_the_oldest_python_the_project_declares(client, workspace, pyproject, future):
    import ast

    hints = await hints_for(client, workspace, OLD, name="old.py")
    h = next(h for h in hints if h.label == "-> list[str]")
    lines = OLD.splitlines(keepends=True)
    for e in sorted(h.text_edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        ln, ch = e.range.start.line, e.range.start.character
        lines[ln] = lines[ln][:ch] + e.new_text + lines[ln][ch:]
    body = ast.parse("".join(lines)).body  # `list[str]` in a signature fails on 3.8 unless annotations are lazy
    assert (isinstance(body[1], ast.ImportFrom) and body[1].module == "__future__") == future
    assert ("from __future__ import annotations" in h.tooltip.value) == future


async def test_whitespace_edits_do_not_change_hints(client, workspace):
    first = await hints_for(client, workspace, SOURCE)
    shifted = "\n\n" + SOURCE.replace("def grow(self, by=1, loud=False):", "def grow(self,  by=1,  loud=False):")
    second = await hints_for(client, workspace, shifted, version=2, opened=False)
    assert sorted(h.label for h in first) == sorted(h.label for h in second)
    assert [h.data for h in first] == [h.data for h in second]


async def test_a_variable_takes_what_is_assigned_later_or_how_it_is_used(client, workspace):
    text = ("class Reader:\n    def __init__(self):\n        self._count = None\n        self._misc = None\n"
            "        self._size = 0\n\n    def read(self, chunk):\n        self._count = len(chunk)\n"
            "        parts = []\n        return ' '.join(parts)\n")
    hints = await hints_for(client, workspace, text, name="reader.py")
    lines = text.splitlines()
    count = next(h for h in hints if (h.position.line, h.position.character) == at(lines, 2, "self._count"))
    assert count.label == ": int | None" and count.tooltip.value.endswith("None here, later assigned int")
    got = table(hints)
    assert at(lines, 3, "self._misc") not in got  # nothing known but None: no hint
    assert at(lines, 4, "self._size") not in got  # `= 0` is obvious
    assert got[at(lines, 8, "parts")] == ": list[str]"  # joined with a str


async def test_how_a_def_uses_a_parameter_and_what_it_overrides_type_it(client, workspace):
    text = ("import logging\n\n\nclass Handler(logging.Handler):\n    def emit(self, record):\n"
            "        self.records.append(record)\n\n\n"
            "def header(raw, data, start):\n    return raw.encode('ascii') + data[start:]\n")
    hints = await hints_for(client, workspace, text, name="handler.py")
    got = {(h.position.line, h.position.character): h for h in hints}
    lines = text.splitlines()
    record = got[at(lines, 4, "record")]
    assert record.label == ": logging.LogRecord"  # as typeshed's Handler.emit takes it, as the file names it
    assert "`logging.Handler.emit` takes logging.LogRecord" in record.tooltip.value
    assert got[at(lines, 8, "raw")].label == ": str"  # only a str has `encode`
    assert got[at(lines, 8, "start")].label == ": int"  # a slice bound
    assert at(lines, 8, "data") not in got  # sliced: a sequence, of what kind nothing says


@pytest.mark.parametrize("options", [{"thresholds": {"typeHintConfidence": 0.95}}])
async def test_threshold_is_respected(client, workspace, options):
    hints = await hints_for(client, workspace, SOURCE)
    assert hints, "the dunder rule (97%) still clears 0.95"
    assert all(h.data["confidence"] >= 0.95 for h in hints)
    assert ": int" not in [h.label for h in hints]


@pytest.mark.parametrize("options", [{"hints": {"noneReturns": False, "parameters": False}}])
async def test_toggles_per_kind(client, workspace, options):
    labels = [h.label for h in await hints_for(client, workspace, SOURCE)]
    assert labels == ["-> str"]


@pytest.mark.parametrize("options", [{"features": {"types": False}}])
async def test_no_hints_when_types_are_off(client, workspace, options):
    assert await hints_for(client, workspace, SOURCE) == []
    status = await request(client, "pulsedev/typesStatus")
    assert status["ready"] is False


async def test_traces_from_the_spool_become_hints(client, workspace, data_dir):
    text = "def area(w, h):\n    return w * h\n"
    path = workspace / "geo.py"
    path.write_text(text)
    before = table(await hints_for(client, workspace, text, name="geo.py"))
    assert at([text], 0, "(w") not in before
    record = {"type": "trace", "module": "geo", "qualname": "area", "kind": "function", "file": str(path),
              "uri": path.as_uri(), "lineno": 1, "calls": 40, "sampled_calls": 40, "time_s": 0.01,
              "params": [{"name": "w", "kind": "positional", "type": "float", "observed": {"float": 40}},
                         {"name": "h", "kind": "positional", "type": "int", "observed": {"int": 40}}],
              "returns": {"type": "float", "observed": {"float": 40}}, "raises": {}}
    seen = client.refreshes
    spool = data_dir / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    (spool / "pytest-1.jsonl.tmp").write_text(json.dumps(record) + "\n")
    (spool / "pytest-1.jsonl.tmp").rename(spool / "pytest-1.jsonl")
    got: dict = {}
    after: list = []
    for version in range(2, 102):  # another refresh (the index being ready) may come first: ask until traced
        if client.refreshes > seen:
            after = await hints_for(client, workspace, text, name="geo.py", version=version, opened=False)
            got = {(h.position.line, h.position.character): (h.label, h.data["source"]) for h in after}
            if any(src == "trace" for _, src in got.values()):
                break
        await asyncio.sleep(0.1)
    assert client.refreshes > seen, "the server asks the editor to refresh its hints"
    assert got[at([text], 0, "(w")] == (": float", "trace") and got[at([text], 0, "h")] == (": int", "trace")
    assert got[at([text], 0, "h)")] == ("-> float", "trace")
    assert any("40 calls" in h.tooltip.value for h in after)


async def test_turning_types_off_and_on_by_configuration(client, workspace):
    assert await hints_for(client, workspace, SOURCE)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"pulsedev": {"features": {"types": False}}}))
    await asyncio.sleep(0.3)
    assert await hints_for(client, workspace, SOURCE, version=2, opened=False) == []
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"pulsedev": {"features": {"types": True}}}))
    await asyncio.sleep(0.3)
    assert len(await hints_for(client, workspace, SOURCE, version=3, opened=False)) == 7
