"""textDocument/inlayHint over stdio, static evidence alone: what a workspace's calls pass becomes a
parameter's hint; conventions, what a def does with its locals, what its docstring states and what pytest passes a test
become hints too."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from helpers import init_params, listen
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

SERVER = [sys.executable, "-m", "pulsedev", "serve"]
ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "PULSEDEV_TYPES_TRAIN_DELAY": "3600",  # static evidence only
       "PULSEDEV_TYPES_SAVE_SETTLE": "0.2"}

GEO = "def scaled(size, factor):\n    return size\n"
USE = "from geo import scaled\n\n\ndef main():\n    scaled(3, 2.5)\n    scaled(4, factor=0.5)\n"
PAGE = "def render(title, **options):\n    out = '<h1>'\n    out += title\n    return out\n"
FIELDS = "class Reply:\n    reason: str | None\n\n    def __init__(self, reason):\n        self.reason = reason\n"
STATES = "class StateInline:\n    def __init__(self, src):\n        self.src = src\n        self.pos = 0\n"
RULES = "from states import StateInline\n\n\ndef link(state):\n    return state.src[state.pos]\n"
SHAPES = "def make():\n    return 1\n"
USER = "from shapes import make\n\n\ndef use():\n    return make()\n"
CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef port():\n    return 8080\n"
TEST_NET = ("import pytest\n\n\n@pytest.mark.parametrize('host', ['a', 'b'])\n"
            "def test_open(port, host, tmp_path, monkeypatch):\n    pass\n")
TEST_OUT = "def test_out(capsys):\n    pass\n"
PYTEST_CONFIG = ('[tool.pytest.ini_options]\npython_files = ["test_*.py", "check_*.py"]\n'
                 'python_functions = ["test", "check_"]\n')
CHECK = "def check_read(tmp_path):\n    pass\n"
DOCS = ('def wrap(text, width=None):\n    """Wrap it.\n\n    Args:\n        text (str): what to wrap.\n'
        '        width (int, optional): the widest line.\n    """\n    return lines(text, width)\n')


@pytest.fixture
def project(workspace: Path) -> Path:
    """A workspace whose files exist before the server indexes it."""
    (workspace / "geo.py").write_text(GEO)
    (workspace / "use.py").write_text(USE)
    (workspace / "page.py").write_text(PAGE)
    (workspace / "docs.py").write_text(DOCS)
    (workspace / "fields.py").write_text(FIELDS)
    (workspace / "states.py").write_text(STATES)
    (workspace / "rules.py").write_text(RULES)
    (workspace / "shapes.py").write_text(SHAPES)
    (workspace / "user.py").write_text(USER)
    (workspace / "tests").mkdir()
    (workspace / "tests" / "conftest.py").write_text(CONFTEST)
    (workspace / "tests" / "test_net.py").write_text(TEST_NET)
    (workspace / "tests" / "test_out.py").write_text(TEST_OUT)
    (workspace / "tests" / "check_io.py").write_text(CHECK)
    (workspace / "pyproject.toml").write_text(PYTEST_CONFIG)
    return workspace


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient, project, data_dir):
    listen(lsp_client)
    await lsp_client.initialize_session(init_params(project, data_dir))
    yield
    if not lsp_client.stopped:
        await lsp_client.shutdown_session()


async def _hints(client, uri: str, text: str):
    end = types.Position(line=len(text.splitlines()) + 1, character=0)
    return await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=types.Position(0, 0), end=end))) or []


async def _until(client, uri: str, text: str, read, want, tries: int = 100):
    """Asks for a document's hints until `read(hints)` gives `want` (background work lands), or gives up;
    returns the last reading."""
    got = None
    for _ in range(tries):
        got = read(await _hints(client, uri, text))
        if got == want:
            break
        await asyncio.sleep(0.1)
    return got


def _labels(hints) -> list[str]:
    return [h.label for h in hints]


async def _settled(client, uri: str, text: str, count: int) -> dict:
    """Opens a document and asks for its hints until `count` are in (the index and the call sites
    are built in the background); column -> (label, tooltip)."""
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    got = {}
    for _ in range(100):
        got = {h.position.character: (h.label, h.tooltip.value if h.tooltip else "")
               for h in await _hints(client, uri, text)}
        if len(got) >= count:
            break
        await asyncio.sleep(0.1)
    return got


async def test_argument_types_at_call_sites_become_hints(client, project):
    got = await _settled(client, (project / "geo.py").as_uri(), GEO, 3)
    size, factor, ret = GEO.index("size") + 4, GEO.index("factor") + 6, GEO.index(")") + 1
    assert got[size][0] == ": int" and "passed int at 2 calls" in got[size][1]
    assert got[factor][0] == ": float" and "passed float at 2 calls" in got[factor][1]
    assert got[ret][0] == "-> int"  # the return follows from what is passed


async def test_conventions_and_locals_become_hints(client, project):
    got = await _settled(client, (project / "page.py").as_uri(), PAGE, 2)
    options, ret = PAGE.index("options") + len("options"), PAGE.index("):") + 1
    assert got[options][0] == ": Any"  # `**kwargs: Any` by convention
    assert got[ret][0] == "-> str"  # `out += title` keeps out a str
    assert PAGE.index("title") + len("title") not in got  # nothing says what title is


async def test_types_a_docstring_states_become_hints(client, project):
    got = await _settled(client, (project / "docs.py").as_uri(), DOCS, 2)
    text, width = DOCS.index("text") + len("text"), DOCS.index("width") + len("width")
    assert got[text][0] == ": str" and got[text][1].endswith("the docstring says str")
    assert got[width][0] == ": int | None" and "the docstring says int" in got[width][1]
    assert len(got) == 2  # nothing says what `lines` returns


async def test_a_parameter_stored_in_a_declared_field_takes_its_type(client, project):
    got = await _settled(client, (project / "fields.py").as_uri(), FIELDS, 2)
    line = FIELDS.splitlines()[3]
    reason = line.index("reason") + len("reason")
    assert got[reason][0] == ": str | None"
    assert got[reason][1].endswith("stored as `self.reason`, declared str | None")


async def test_a_parameter_whose_use_fits_the_class_its_name_names_takes_that_class(client, project):
    got = await _settled(client, (project / "rules.py").as_uri(), RULES, 1)
    state = RULES.splitlines()[3].index("state)") + len("state")
    assert got[state][0] == ": StateInline"
    assert got[state][1].endswith("it reads `pos`, `src` of it")


async def test_a_saved_file_changes_the_hints_of_the_files_that_use_it(client, project):
    user = (project / "user.py").as_uri()
    got = await _settled(client, user, USER, 1)
    assert [label for label, _ in got.values()] == ["-> int"]
    edited = SHAPES.replace("return 1", "return 'one'")
    shapes = project / "shapes.py"
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=shapes.as_uri(), language_id="python", version=1, text=SHAPES)))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=shapes.as_uri(), version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=edited)]))
    assert [h.label for h in await _hints(client, user, USER)] == ["-> int"]  # not saved yet
    shapes.write_text(edited)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=shapes.as_uri())))
    assert await _until(client, user, USER, _labels, ["-> str"]) == ["-> str"]


async def test_what_a_saved_file_passes_reaches_the_callee_once_saves_settle(client, project):
    geo = (project / "geo.py").as_uri()
    size = GEO.index("size") + 4
    assert (await _settled(client, geo, GEO, 3))[size][0] == ": int"
    edited = USE.replace("scaled(3, 2.5)", "scaled('3', 2.5)").replace("scaled(4,", "scaled('4',")
    (project / "use.py").write_text(edited)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=(project / "use.py").as_uri())))
    def at_size(hints):
        return {h.position.character: h.label for h in hints}.get(size)

    assert await _until(client, geo, GEO, at_size, ": str") == ": str"


async def test_a_file_changed_outside_the_editor_changes_the_hints_of_the_files_that_use_it(client, project):
    user = (project / "user.py").as_uri()
    got = await _settled(client, user, USER, 1)
    assert [label for label, _ in got.values()] == ["-> int"]
    (project / "shapes.py").write_text(SHAPES.replace("return 1", "return 2.5"))  # a checkout, a formatter
    assert await _until(client, user, USER, _labels, ["-> float"]) == ["-> float"]


async def test_what_pytest_passes_a_test_becomes_its_hints(client, project):
    test = project / "tests" / "test_net.py"
    got = await _settled(client, test.as_uri(), TEST_NET, 4)
    line = TEST_NET.splitlines()[4]
    at = {name: line.index(name) + len(name) for name in ("port", "host", "tmp_path", "monkeypatch")}
    assert got[at["port"]] == (": int", got[at["port"]][1])
    assert got[at["port"]][1].endswith("the fixture `port` in `tests.conftest` returns int")
    assert got[at["host"]][0] == ": str" and got[at["host"]][1].endswith("parametrized with str")
    assert got[at["tmp_path"]][0] == ": Path" and got[at["monkeypatch"]][0] == ": pytest.MonkeyPatch"
    hints = {h.position.character: h for h in await _hints(client, test.as_uri(), TEST_NET)}
    edits = [e.new_text for e in hints[at["tmp_path"]].text_edits]
    assert edits == [": Path", "from pathlib import Path\n"]  # the annotation and the import it needs


async def test_a_type_of_pytests_goes_with_its_import_in_a_file_without_one(client, project):
    test = project / "tests" / "test_out.py"
    got = await _settled(client, test.as_uri(), TEST_OUT, 2)
    at = TEST_OUT.index("capsys") + len("capsys")
    assert got[at][0] == ": CaptureFixture[str]"
    hints = {h.position.character: h for h in await _hints(client, test.as_uri(), TEST_OUT)}
    edits = [e.new_text for e in hints[at].text_edits]
    assert edits == [": CaptureFixture[str]", "from pytest import CaptureFixture\n"]


async def test_the_projects_pytest_configuration_says_which_defs_are_tests(client, project):
    check = project / "tests" / "check_io.py"
    at = CHECK.index("tmp_path") + len("tmp_path")
    got = await _settled(client, check.as_uri(), CHECK, 2)
    assert got[at][0] == ": Path"  # `check_*` files and `check_` functions are tests here
    (project / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")  # now pytest's defaults
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(
        uri=(project / "pyproject.toml").as_uri())))

    def tmp_path_hint(hints):
        return {h.position.character: h.label for h in hints}.get(at)

    assert await _until(client, check.as_uri(), CHECK, tmp_path_hint, None) is None
