"""What pytest passes a test or a fixture (fixtures.py): the fixture a parameter names, nearest first,
pytest's own fixtures, and parametrized values."""

from __future__ import annotations

import pytest
from type_helpers import evidence_at, index_of

from pulsedev.models.types.corpus import python_files
from pulsedev.models.types.index import WorkspaceIndex

CONFTEST = """import pytest
from app.clock import Clock


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def port():
    return 8080
"""
CLOCK = "class Clock:\n    def now(self):\n        return 0.0\n"


def _param(src: str, name: str, qualname: str | None = None, module: str = "tests.test_it", index=None):
    ev = evidence_at(src, "parameter", name, qualname, module, index)
    return ev.type, ev.rule


def test_a_tests_parameter_takes_the_type_its_fixture_of_the_same_module_returns():
    src = "import pytest\n\n@pytest.fixture\ndef names():\n    return ['a']\n\ndef test_it(names):\n    pass\n"
    assert _param(src, "names", "test_it") == ("list[str]", "fixture_inferred")
    words = evidence_at(src, "parameter", "names", "test_it", "tests.test_it").words
    assert words == "the fixture `names` returns list[str]"


def test_a_generator_fixture_gives_what_it_yields_and_a_declared_one_its_declared_type():
    src = ("import pytest\nfrom typing import Iterator\n\n@pytest.fixture\ndef conn():\n    yield 'db'\n\n"
           "@pytest.fixture\ndef size() -> Iterator[int]:\n    yield 3\n\n"
           "@pytest.fixture(name='user')\ndef make_user():\n    return 1.5\n\n"
           "def test_it(conn, size, user):\n    pass\n")
    assert _param(src, "conn", "test_it") == ("str", "fixture_inferred")
    assert _param(src, "size", "test_it") == ("int", "fixture")
    assert _param(src, "user", "test_it") == ("float", "fixture_inferred")  # requested by its `name=`


def test_a_fixture_that_makes_a_generic_class_says_nothing_of_what_it_holds():
    src = ("import pytest\nfrom typing import Generic, TypeVar\nT = TypeVar('T')\n\n"
           "class Box(Generic[T]):\n    pass\n\nclass Plain:\n    pass\n\n"
           "@pytest.fixture\ndef box():\n    return Box()\n\n"
           "@pytest.fixture\ndef plain():\n    return Plain()\n\ndef test_it(box, plain):\n    pass\n")
    assert _param(src, "box", "test_it")[1] != "fixture_inferred"  # `Box`, but of what?
    assert _param(src, "plain", "test_it") == ("Plain", "fixture_inferred")


def test_the_nearest_fixture_wins_a_class_over_its_module_over_conftest():
    test = ("import pytest\n\n@pytest.fixture\ndef port():\n    return 'http'\n\n"
            "class TestServer:\n    @pytest.fixture\n    def port(self):\n        return 1.5\n\n"
            "    def test_serve(self, port):\n        pass\n\ndef test_plain(port):\n    pass\n")
    index = index_of({"tests.conftest": CONFTEST, "app.clock": CLOCK, "tests.test_it": test})
    assert _param(test, "port", "TestServer.test_serve", index=index) == ("float", "fixture_inferred")
    assert _param(test, "port", "test_plain", index=index) == ("str", "fixture_inferred")
    plain = "def test_plain(port, clock):\n    pass\n"
    index = index_of({"tests.conftest": CONFTEST, "app.clock": CLOCK, "tests.unit.test_it": plain})
    assert _param(plain, "port", module="tests.unit.test_it", index=index) == ("int", "fixture_inferred")
    assert _param(plain, "clock", module="tests.unit.test_it", index=index) == ("Clock", "fixture_inferred")


def test_a_fixture_that_overrides_one_of_the_same_name_takes_the_overridden_one():
    src = "import pytest\n\n@pytest.fixture\ndef port(port):\n    return port + 1\n"
    index = index_of({"tests.conftest": CONFTEST, "app.clock": CLOCK, "tests.test_it": src})
    assert _param(src, "port", "port", index=index) == ("int", "fixture_inferred")


def test_a_plugins_fixture_counts_only_when_every_definition_agrees():
    plugin = "import pytest\n\n@pytest.fixture\ndef clock():\n    return 1.0\n"
    other = "import pytest\n\n@pytest.fixture\ndef clock():\n    return 'x'\n"
    test = "def test_it(clock):\n    pass\n"
    index = index_of({"app.plugin": plugin, "tests.test_it": test})
    assert _param(test, "clock", index=index) == ("float", "fixture_inferred")
    index = index_of({"app.plugin": plugin, "app.other": other, "tests.test_it": test})
    assert _param(test, "clock", index=index)[1] != "fixture_inferred"
    index = index_of({"tests.test_other": other, "tests.test_it": test})  # another test module's: not visible
    assert _param(test, "clock", index=index)[1] != "fixture_inferred"


def test_pytests_own_fixtures_take_the_types_pytest_exports():
    src = "import pytest\n\ndef test_it(tmp_path, monkeypatch, capsys, request):\n    pass\n"
    assert _param(src, "tmp_path") == ("Path", "fixture_builtin")
    assert _param(src, "monkeypatch") == ("pytest.MonkeyPatch", "fixture_builtin")
    assert _param(src, "capsys") == ("pytest.CaptureFixture[str]", "fixture_builtin")
    named = "from pytest import MonkeyPatch\n\ndef test_it(monkeypatch):\n    pass\n"
    assert _param(named, "monkeypatch") == ("MonkeyPatch", "fixture_builtin")  # as the file can write it
    bare = "def test_it(monkeypatch, pytestconfig):\n    pass\n"  # no pytest import: one goes with the hint
    assert _param(bare, "monkeypatch") == ("MonkeyPatch", "fixture_builtin")
    assert _param(bare, "pytestconfig")[1] != "fixture_builtin"  # `Config` says too little to import
    assert _param("def test_it(mocker):\n    pass\n", "mocker") == ("MockerFixture", "fixture_builtin")  # pytest-mock's


def test_parametrized_parameters_take_the_type_of_their_values():
    src = ("import pytest\n\n"
           "@pytest.mark.parametrize('a, b', [(1, 'x'), pytest.param(2, 'y', id='two'), (3, None)])\n"
           "@pytest.mark.parametrize(('flag',), [(True,), (False,)])\n"
           "@pytest.mark.parametrize('port', [1, 2], indirect=True)\n"
           "def test_it(a, b, flag, port):\n    pass\n")
    assert _param(src, "a") == ("int", "parametrize")
    assert _param(src, "b") == ("str | None", "parametrize")
    assert _param(src, "flag") == ("bool", "parametrize")
    assert _param(src, "port")[1] not in ("parametrize", "fixture_builtin")  # indirect: goes to a fixture


@pytest.mark.parametrize("src, module", [
    ("def test_it(tmp_path):\n    pass\n", "app.module"),  # not a test module
    ("def check(tmp_path):\n    pass\n", "tests.test_it"),  # not a test
    ("class Helper:\n    def test_it(self, tmp_path):\n        pass\n", "tests.test_it"),  # not a Test* class
    ("def test_it(tmp_path=None):\n    pass\n", "tests.test_it"),  # a default: pytest passes nothing
])
def test_only_what_pytest_calls_is_given_fixtures(src, module):
    assert _param(src, "tmp_path", module=module)[1] != "fixture_builtin"


def test_the_index_reads_the_conftest_files_of_test_folders_and_nothing_else_there(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "clock.py").write_text(CLOCK)
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "conftest.py").write_text(CONFTEST)
    (tmp_path / "tests" / "unit" / "conftest.py").write_text("")
    (tmp_path / "tests" / "unit" / "test_clock.py").write_text("def test_it(clock):\n    pass\n")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in python_files(tmp_path)) == ["app/clock.py"]
    index = WorkspaceIndex(tmp_path)
    index.build()
    assert sorted(index.trees) == ["app.clock", "tests.conftest", "tests.unit.conftest"]
    assert index.fixtures == {"clock": ["tests.conftest"], "port": ["tests.conftest"]}
    assert not index.annotated


@pytest.mark.parametrize("decorators", [
    "@pytest.mark.parametrize()",  # no arguments
    "@pytest.mark.parametrize('a')",  # no values
    "@pytest.mark.parametrize('a', VALUES)",  # values from elsewhere
    "@pytest.mark.parametrize(NAMES, [1, 2])",  # names from elsewhere
    "@pytest.mark.parametrize('a, b', [1, (2, 3)])",  # a row that is no tuple
    "@pytest.mark.parametrize('a, b', [(*pair,)])",  # a starred row
    "@pytest.mark.parametrize('a', [pytest.param()])",  # a param without values
    "@pytest.mark.parametrize('a', [])",  # nothing to run
    "@pytest.fixture(name=123)",  # a name that is no string
])
def test_odd_pytest_decorators_give_no_type_and_no_error(decorators):
    src = f"import pytest\n\n{decorators}\ndef test_it(a):\n    pass\n"
    assert _param(src, "a")[1] not in ("parametrize", "fixture", "fixture_inferred")


def test_the_projects_configuration_says_which_defs_are_tests():
    from pulsedev.models.types.collection import Collection

    src = "def check_read(tmp_path):\n    pass\n\n\ndef test_read(tmp_path):\n    pass\n"
    index = index_of({"suite.check_io": src})
    index.collection = Collection(files=("check_*.py",), functions=("check_",))
    assert _param(src, "tmp_path", "check_read", "suite.check_io", index) == ("Path", "fixture_builtin")
    assert _param(src, "tmp_path", "test_read", "suite.check_io", index)[1] != "fixture_builtin"
    assert _param(src, "tmp_path", "check_read", "suite.test_io")[1] != "fixture_builtin"  # pytest's defaults


def test_a_plugin_a_conftest_names_in_pytest_plugins_gives_its_fixture():
    plugin = "import pytest\n\n@pytest.fixture\ndef clock():\n    return 1.0\n"
    other = "import pytest\n\n@pytest.fixture\ndef clock():\n    return 'x'\n"
    test = "def test_it(clock):\n    pass\n"
    modules = {"app.plugin": plugin, "app.other": other, "tests.test_it": test}
    assert _param(test, "clock", index=index_of(modules))[1] != "fixture_inferred"  # two disagree
    index = index_of({**modules, "conftest": "pytest_plugins = ['app.plugin']\n"})
    assert _param(test, "clock", index=index) == ("float", "fixture_inferred")
    ev = evidence_at(test, "parameter", "clock", None, "tests.test_it", index)
    assert ev.words == "the fixture `clock` in `app.plugin` returns float"
