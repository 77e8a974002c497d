"""What pytest passes a test: the fixture a parameter names, or the values it is parametrized with.

pytest calls a test (`test_*` in a test module, or a method of a `Test*` class
there, or what the project's configuration names so: collection.py) and a
fixture with the value of the fixture each parameter names: `def test_x(tmp_path,
client)` gets a `Path` and whatever the `client` fixture returns (what it
yields, for a generator fixture).  The fixture is looked up as
pytest does, nearest first: the test's own class and module, then the
`conftest.py` files of its package and of every package above it, then a
plugin module those name in `pytest_plugins`, then any other module of the
workspace that defines a fixture of that name (a plugin named in the pytest
configuration) when all such agree; pytest's own fixtures last.  A parameter
named in `@pytest.mark.parametrize` gets the type of its values instead.
Nothing here runs the tests.

>>> import ast
>>> from pulsedev.models.types.infer import FileContext
>>> from pulsedev.models.types.slots import parameter_slot
>>> tree = ast.parse('''
... import pytest
... @pytest.fixture
... def port():
...     return 8080
... @pytest.mark.parametrize("host", ["a", "b"])
... def test_open(port, host, tmp_path): ...
... ''')
>>> ctx, test = FileContext(tree, "tests.test_net"), tree.body[2]
>>> [injected(parameter_slot(test, None, a, i), ctx)[:2] for i, a in enumerate(test.args.args)]
[('int', 'fixture_inferred'), ('str', 'parametrize'), ('Path', 'fixture_builtin')]
"""

from __future__ import annotations

import ast

from pulsedev.models.types.collection import Collection
from pulsedev.models.types.infer import Env, _union, infer
from pulsedev.models.types.known import KNOWN_IMPORTS
from pulsedev.models.types.members import common_base
from pulsedev.models.types.names import bare_generic
from pulsedev.models.types.slots import Slot
from pulsedev.models.types.typetext import _split_top, head_names

#: pytest's own fixtures (pytest 8), by the names pytest exports their types under.
BUILTIN = {"tmp_path": "Path", "tmp_path_factory": "pytest.TempPathFactory", "monkeypatch": "pytest.MonkeyPatch",
           "capsys": "pytest.CaptureFixture[str]", "capfd": "pytest.CaptureFixture[str]",
           "capsysbinary": "pytest.CaptureFixture[bytes]", "capfdbinary": "pytest.CaptureFixture[bytes]",
           "caplog": "pytest.LogCaptureFixture", "recwarn": "pytest.WarningsRecorder",
           "request": "pytest.FixtureRequest", "pytestconfig": "pytest.Config", "pytester": "pytest.Pytester",
           "cache": "pytest.Cache", "doctest_namespace": "dict[str, Any]",
           "record_property": "Callable[[str, object], None]",
           "record_testsuite_property": "Callable[[str, object], None]",
           # pytest-mock's, the plugin most suites use (its `MockerFixture` is what its docs annotate)
           **dict.fromkeys(["mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"],
                           "MockerFixture")}
_YIELDED = ("Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable")


def injected(slot: Slot, ctx) -> tuple[str, str, str] | None:
    """(type, rule, words) of a parameter pytest fills in, or None: not a test's or fixture's parameter,
    or its type does not follow from the code.  Rules: `parametrize`, `fixture` (the fixture's declared
    type), `fixture_inferred` (what its body returns or yields), `fixture_builtin`."""
    func = slot.func
    if func is None or slot.node not in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs) \
            or not _called_by_pytest(slot, ctx):
        return None
    values = _parametrized(func, slot.name)
    if values is not None:
        t = _values_type(values, ctx)
        return (t, "parametrize", f"parametrized with {t}") if t else None
    found = _fixture(slot, ctx)
    if found is not None:  # the workspace's fixture, even where pytest has one of that name
        where, fixture, home = found
        declared, generator = fixture.returns is not None, _is_generator(fixture)
        t = home.function_return(fixture)
        t = _yielded(t) if generator else t
        if t is None or t == "None" or (t.isidentifier() and bare_generic(home, t)) or (
                home is not ctx and not _reachable(t, home, ctx)):
            return None  # (a generic class's bare name, `AsyncIOWrapper`, does not say what it wraps)
        gives = "gives" if declared else "yields" if generator else "returns"
        return t, "fixture" if declared else "fixture_inferred", f"the fixture `{fixture.name}`{where} {gives} {t}"
    t = BUILTIN.get(slot.name)
    if t is None:
        return None
    t = _as_imported(t, ctx)
    return (t, "fixture_builtin", f"pytest passes `{slot.name}` as a {t}") if t else None


def is_fixture(func) -> bool:
    """Whether a def is decorated `@pytest.fixture`, `@fixture` or `@pytest.fixture(...)`."""
    return fixture_name(func) is not None


def fixture_name(func) -> str | None:
    """The name a fixture def is requested by (its `name=`, else its own), or None for another def."""
    for d in func.decorator_list:
        call = d if isinstance(d, ast.Call) else None
        target = call.func if call else d
        if (isinstance(target, ast.Attribute) and target.attr in ("fixture", "yield_fixture")) or (
                isinstance(target, ast.Name) and target.id == "fixture"):
            named = next((k.value for k in call.keywords if k.arg == "name"), None) if call else None
            if isinstance(named, ast.Constant) and isinstance(named.value, str):
                return named.value
            return func.name
    return None


def _called_by_pytest(slot: Slot, ctx) -> bool:
    """Whether pytest calls the slot's def: a fixture, or a test that the workspace's configuration
    has it collect (collection.py: by default `test*` defs and `Test*` classes' in `test_*.py`)."""
    if is_fixture(slot.func):
        return True
    names = _collection(ctx.index)
    if not (names.is_test_file(ctx.module) and names.is_test_function(slot.func.name)):
        return False
    return (slot.cls is None and "." not in slot.qualname) or (
        slot.cls is not None and names.is_test_class(slot.cls.name) and slot.qualname.count(".") == 1)


def _parametrized(func, name: str) -> list[ast.expr] | None:
    """The values `@pytest.mark.parametrize` gives the parameter `name` (None when it is not one;
    nor for `indirect` ones, which go to a fixture of that name)."""
    for d in func.decorator_list:
        if not (isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr == "parametrize"
                and len(d.args) >= 2) or any(k.arg == "indirect" for k in d.keywords):
            continue
        names, rows = d.args[0], d.args[1]
        if isinstance(names, ast.Constant) and isinstance(names.value, str):  # one name: each value is its own
            names = [n.strip() for n in names.value.split(",") if n.strip()]
            whole = len(names) == 1
        elif isinstance(names, (ast.List, ast.Tuple)) and all(
                isinstance(n, ast.Constant) and isinstance(n.value, str) for n in names.elts):
            names, whole = [n.value for n in names.elts], False  # as a list: each value a sequence of values
        else:
            continue
        if name not in names:
            continue
        if not isinstance(rows, (ast.List, ast.Tuple)) or not rows.elts:
            return []
        i, values = names.index(name), []
        for row in rows.elts:
            if isinstance(row, ast.Call) and isinstance(row.func, ast.Attribute) and row.func.attr == "param":
                row = (row.args[0] if row.args else None) if whole else ast.Tuple(elts=row.args)
            if not whole:
                if not isinstance(row, (ast.Tuple, ast.List)) or len(row.elts) != len(names) or any(
                        isinstance(e, ast.Starred) for e in row.elts):
                    return []
                row = row.elts[i]
            if row is None:
                return []
            values.append(row)
        return values
    return None


def _values_type(values: list[ast.expr], ctx) -> str | None:
    types = [infer(v, Env(), ctx) for v in values]
    return _union(common_base(ctx, types), 3) if values and None not in types else None


def _fixture(slot: Slot, ctx):
    """(where, def, FileContext of its module) of the nearest fixture of the parameter's name, or None.
    A fixture may request the one it overrides under the same name: that one is the next found."""
    name = slot.name
    scopes = [(f" of `{slot.cls.name}`", slot.cls.body)] if slot.cls is not None else []
    for where, body in [*scopes, ("", ctx.tree.body)]:
        found = _defined(body, name)
        if found is not None and found is not slot.func:
            return where, found, ctx
    index = ctx.index
    modules = [m for m in getattr(index, "fixtures", {}).get(name, ()) if m != ctx.module]
    if not modules:
        return None
    parts = ctx.module.split(".")[:-1] if ctx.module else []
    conftests = [".".join([*parts[:n], "conftest"]) for n in range(len(parts), -1, -1)]
    for conftest in conftests:  # the conftest files of the test's package and those above it
        if conftest in modules:
            return f" in `{conftest}`", *_module_fixture(index, conftest, name)
    declared = [m for c in conftests for m in _plugins(index, c) if m in modules]
    if declared:  # a plugin a conftest names in `pytest_plugins`
        return f" in `{declared[0]}`", *_module_fixture(index, declared[0], name)
    names = _collection(index)  # (a test module's fixtures are its own)
    found = [_module_fixture(index, m, name) for m in modules if not names.is_test_file(m)]
    if found and len({home.function_return(f) for f, home in found}) == 1:  # a plugin's, if all agree
        return f" in `{found[0][1].module}`", *found[0]
    return None


def _plugins(index, module: str) -> list[str]:
    """The modules a conftest names in `pytest_plugins = "a.b"` or `= ["a.b", ...]`."""
    if module not in index.trees:
        return []
    value = index.context(module).assignments.get("pytest_plugins")
    items = [value] if isinstance(value, ast.Constant) else value.elts if isinstance(value, (ast.List, ast.Tuple)) \
        else []
    return [e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def _module_fixture(index, module: str, name: str):
    """(def, FileContext) of the fixture `name` of a workspace module that defines one."""
    home = index.context(module)
    return _defined(home.tree.body, name), home


def _defined(body: list[ast.stmt], name: str):
    """The fixture def requested as `name` in a module's or class's body (the last, as pytest keeps it), or None."""
    found = [f for f in body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.decorator_list
             and fixture_name(f) == name]
    return found[-1] if found else None


def _collection(index) -> Collection:
    """What the workspace's pytest configuration collects (pytest's defaults without an index)."""
    return getattr(index, "collection", None) or Collection()


def _is_generator(func) -> bool:
    from pulsedev.models.types.exits import returns_of

    return bool(returns_of(func)[1])


def _yielded(t: str | None) -> str | None:
    """What a generator fixture's type says it yields (`Iterator[X]`, `Generator[X, None, None]`: X)."""
    if not t:
        return None
    head, _, rest = t.partition("[")
    if head.rsplit(".", 1)[-1] not in _YIELDED or not rest.endswith("]"):
        return None
    return _split_top(rest[:-1], ",")[0] or None


def _reachable(t: str, home, ctx) -> bool:
    """Whether a type written in the fixture's module means the same in the test's (a name either
    file binds to one origin, or one the test's file does not bind at all)."""
    for name in head_names(t):
        head = name.split(".")[0]
        if head in home.imports and head in ctx.imports and home.imports[head] != ctx.imports[head]:
            return False
        if head in home.imports and "." in name and head not in ctx.imports:
            return False
    return True


def _as_imported(t: str, ctx) -> str | None:
    """A type of pytest's as the file can write it: `pytest.MonkeyPatch` where it imports pytest, else
    `MonkeyPatch` (imported under that name, or with an import edit: known.KNOWN_IMPORTS); None for a
    type whose bare name says too little to import it (`pytest.Config`) in a file without pytest."""
    if "pytest." not in t or ctx.imports.get("pytest") == "pytest":
        return t
    for local, origin in ctx.imports.items():
        if origin.startswith(("pytest.", "_pytest.")):
            t = t.replace(f"pytest.{origin.rsplit('.', 1)[-1]}", local)
    bare = t.replace("pytest.", "")
    name = bare.split("[", 1)[0]
    return bare if KNOWN_IMPORTS.get(name) == "pytest" or name in ctx.imports else None
