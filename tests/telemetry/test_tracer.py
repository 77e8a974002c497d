"""The test tracer: type descriptors, wrapping, and real pytest runs of a fixture project."""

from __future__ import annotations

import ast
import asyncio
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from pulsedev.telemetry.tracer.pulsedev_trace_record import FunctionRecord
from pulsedev.telemetry.tracer.pulsedev_trace_types import describe, render
from pulsedev.telemetry.tracer.pulsedev_trace_wrap import MAX_NEST, make_wrapper
from pulsedev.telemetry.tracing import TRACER_DIR, tracer_setup

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "traced_project"


def text(*values):
    """The annotation the tracer gives a slot that saw `values`."""
    return render(frozenset(describe(v) for v in values))


class Base:
    pass


class Child(Base):
    pass


class Other(Base):
    pass


@pytest.mark.parametrize("values,expected", [
    ((1, 2), "int"),
    ((1, None), "int | None"),
    ((True, 3), "int"),
    ((1, 2.5), "float"),
    (([1, 2], ["a"]), "list[int | str]"),
    (([], [1]), "list[int]"),
    (([],), "list"),
    (({"a": 1},), "dict[str, int]"),
    (({},), "dict"),
    (((1, "a"),), "tuple[int, str]"),
    (((1, "a"), (2, "b")), "tuple[int, str]"),
    (((1,), (1, 2)), "tuple[int, ...]"),
    ((tuple(range(10)),), "tuple[int, ...]"),
    (((2024, 1, 2, 3, 4, 5, 6, None, "raw"),), "tuple[int, int, int, int, int, int, int, None, str]"),  # a record
    (((1, "a") * 10,), "tuple[int | str, ...]"),  # too long to be a record
    (((),), "tuple[()]"),
    (({1, 2},), "set[int]"),
    ((frozenset({"a"}),), "frozenset[str]"),
    ((int,), "type[int]"),
    ((Path("/x"),), "pathlib.Path"),
    ((re.compile("a"), re.compile(b"a")), "re.Pattern[bytes | str]"),
    ((re.match("a", "a"),), "re.Match[str]"),
    ((len, lambda: 0), "collections.abc.Callable"),
    (([[[[1]]]],), "list[list[list[list]]]"),
    ((Child(), Base()), f"{__name__}.Base"),
    ((Child(), Other()), f"{__name__}.Child | {__name__}.Other"),
    ((Child(), Other(), 1, "s"), "object"),
    ((1, "a", b"b", 2.0, None), "bytes | float | str | None"),
    ((1, "a", b"b", Path("/"), None), "object"),
    (([1, "a", b"b", Path("/"), None],), "list[object]"),
    ((Child(), Other(), Base(), None), f"{__name__}.Base | None"),
])
def test_render(values, expected):
    assert text(*values) == expected


def test_unnameable_classes_become_a_nameable_base():
    def make():
        class Local(ValueError):
            pass

        return Local()

    assert text(make()) == "ValueError"
    assert text(iter([1])) == "collections.abc.Iterator"
    assert text({}.keys()) == "collections.abc.KeysView"


def test_any_mix_of_values_renders_as_a_valid_annotation():
    values = [(), (1,), (1, "a"), tuple(range(10)), [()], [(1,)], {"a": ()}, None, [], {}, [1], {1: [1.5]},
              int, set(), {1}, frozenset(), True, b"", [[[[[1]]]]], Child(), iter([]), len]
    for r in (1, 2, 3):
        for combo in itertools.combinations(values, r):
            annotation = text(*combo)
            ast.parse(annotation, mode="eval")  # valid Python expression text
            assert annotation.count("|") <= 3


def test_describe_samples_only_the_first_elements():
    assert text([1, 2, 3, 4, 5, "late"]) == "list[int]"


def record_of(fn, kind="function"):
    rec = FunctionRecord(fn, kind)
    return rec, make_wrapper(fn, rec)


def test_wrapper_records_params_defaults_and_returns():
    def f(a, b=None, *rest, key="k", **extra):
        return a

    rec, w = record_of(f)
    assert w(1) == 1
    assert w("x", 2, 3.0, key="z", more=[1]) == "x"
    out = rec.to_record()
    params = {p["name"]: (p["kind"], p["type"]) for p in out["params"]}
    assert params == {
        "a": ("positional", "int | str"), "b": ("positional", "int | None"), "rest": ("var_positional", "float"),
        "key": ("keyword_only", "str"), "extra": ("var_keyword", "list[int]"),
    }
    assert out["returns"] == {"type": "int | str", "observed": {"int": 1, "str": 1}}
    assert out["calls"] == 2 and out["calls_complete"]


def test_generator_wrapper_keeps_send_and_throw():
    def gen(n):
        total = 0
        for i in range(n):
            try:
                got = yield i
            except KeyError:
                got = 100
            total += got or 0
        return total

    rec, w = record_of(gen)
    g = w(3)
    assert next(g) == 0
    assert g.send(5) == 1
    assert g.throw(KeyError) == 2
    with pytest.raises(StopIteration) as stop:
        g.send(1)
    assert stop.value.value == 106
    out = rec.to_record()
    assert out["yields"]["type"] == "int" and out["returns"]["type"] == "int"
    assert out["params"][0]["type"] == "int"


def test_coroutine_wrapper_stays_a_coroutine_function():
    async def f(x):
        await asyncio.sleep(0)
        return [x]

    rec, w = record_of(f)
    assert asyncio.iscoroutinefunction(w)
    assert asyncio.run(w("a")) == ["a"]
    assert rec.to_record()["returns"]["type"] == "list[str]"


def test_deep_recursion_puts_the_original_back():
    module = types.ModuleType("deep")
    exec("def down(n):\n    return 0 if n == 0 else 1 + down(n - 1)\n", module.__dict__)
    original = module.down
    rec, module.down = record_of(original)
    rec.sites.append((module, "down", original, module.down))
    limit = sys.getrecursionlimit()
    assert module.down(limit - 200) == limit - 200  # twice as deep would not fit
    assert module.down is original and rec.off and rec.calls == MAX_NEST + 1


def test_wrapper_counts_raises_and_reraises():
    def f(x):
        raise ValueError(x)

    rec, w = record_of(f)
    with pytest.raises(ValueError):
        w(1)
    out = rec.to_record()
    assert out["raises"] == {"ValueError": 1} and out["returns"] is None


# ---- real pytest runs of the fixture project ----------------------------------------------


def newer_python():
    """A Python 3.12+ (which has `sys.monitoring`) to run the fixture under, or None."""
    if sys.version_info >= (3, 12):
        return sys.executable
    found = sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.1[2-9]*/bin/python"))
    found += [shutil.which(f"python3.{minor}") for minor in range(12, 16)]
    check = "import sys; assert sys.version_info >= (3, 12) and hasattr(sys, 'monitoring')"
    for python in filter(None, found):
        if subprocess.run([python, "-c", check], capture_output=True, timeout=30).returncode == 0:
            return python
    return None


NEWER = newer_python()
needs_monitoring = pytest.mark.skipif(NEWER is None, reason="needs a Python 3.12+ interpreter (sys.monitoring)")


def run_traced(tmp_path, env_setup, extra_files=None, args=(), use_env=True, use_args=True, extra_env=None,
               python=None):
    """Copy the fixture, run pytest on it with the tracer; return (spool files, process).

    `python`: another interpreter, which then imports pytest from this one's site-packages (pure
    Python) with plugin autoloading off."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURE, project)
    for name, body in (extra_files or {}).items():
        (project / name).write_text(body)
    setup = env_setup
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULSEDEV_", "PYTEST_"))}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if use_env:
        env.update(setup["env"])
    else:
        env["PYTHONPATH"] = setup["env"]["PYTHONPATH"]
        env["PULSEDEV_SPOOL"] = setup["env"]["PULSEDEV_SPOOL"]
    env.update(extra_env or {})
    if python not in (None, sys.executable):
        site = os.path.dirname(os.path.dirname(pytest.__file__))
        env["PYTHONPATH"] = os.pathsep.join([env.get("PYTHONPATH", ""), site]).lstrip(os.pathsep)
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    cmd = [python or sys.executable, "-m", "pytest", "-q", "-p", "no:asyncio", *(setup["args"] if use_args else []),
           *args]
    proc = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, timeout=120)
    spool = Path(setup["env"]["PULSEDEV_SPOOL"])
    return sorted(spool.glob("*.jsonl")), proc


def load(files):
    lines = [json.loads(line) for f in files for line in f.read_text().splitlines()]
    traces = {r["qualname"] + (":setter" if r["kind"] == "setter" else ""): r for r in lines if r["type"] == "trace"}
    events = [r["event"] for r in lines if r["type"] == "event"]
    return traces, events


EXPECTED = {
    # qualname: ({param: type}, return type)
    "Item.__init__": ({"name": "str", "price": "float", "tags": "list[str] | None"}, "None"),
    "Item.label": ({}, "str"),
    "Item.from_dict": ({"data": "dict[str, float | str | list[str]]"}, "shop.models.Item"),
    "Item.normalize": ({"name": "str"}, "str"),
    "Item.with_price": ({"price": "float"}, "shop.models.Item"),
    "Cart.__init__": ({}, "None"),
    "Cart.add": ({"item": "shop.models.Item", "qty": "int"}, "int"),
    "Cart.lines": ({}, "None"),
    "Cart.find": ({"name": "str"}, "shop.models.Item | None"),
    "total": ({"cart": "shop.models.Cart"}, "float"),
    "apply_discount": ({"amount": "float", "percent": "int"}, "float"),
    "parse_price": ({"text": "str"}, "float | None"),
    "by_tag": ({"items": "list[shop.models.Item]"}, "dict[str, list[float]]"),
    "summarize": ({"cart": "shop.models.Cart", "currency": "str"}, "tuple[int, float, str]"),
    "cheapest": ({"items": "shop.models.Item"}, "str"),
    "make_cart": ({"rows": "list[dict[str, float | str | list[str]]]"}, "shop.models.Cart"),
    "level": ({"name": "str"}, "int"),
    "levels": ({"names": "list[str]"}, "dict[str, int]"),
}


def test_traced_fixture_gives_exact_types(tmp_path):
    setup = tracer_setup(tmp_path / "data", tmp_path / "project")
    files, proc = run_traced(tmp_path, setup, extra_env={"PULSEDEV_TRACE_MODE": "wrap"})  # any Python
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(files) == 1 and not list(files[0].parent.glob("*.tmp"))
    assert proc.stdout.count("pulsedev_trace: ") == 1  # -p and PYTEST_PLUGINS together: loaded once
    assert "functions traced (wrappers)" in proc.stdout
    traces, events = load(files)
    got = {q: ({p["name"]: p["type"] for p in r["params"]}, r["returns"]["type"])
           for q, r in traces.items() if r["module"] != "shop.tricky"}
    assert got == EXPECTED
    assert traces["Cart.lines"]["yields"]["type"] == "tuple[shop.models.Item, int]"
    assert traces["apply_discount"]["raises"] == {"ValueError": 1}
    assert traces["apply_discount"]["calls"] == 3
    assert traces["Item.label"]["kind"] == "property" and traces["Item.from_dict"]["kind"] == "classmethod"
    line = (tmp_path / "project/shop/pricing.py").read_text().splitlines()[traces["total"]["lineno"] - 1]
    assert line.startswith("def total(")
    assert traces["total"]["uri"] == (tmp_path / "project/shop/pricing.py").as_uri()
    [event] = events
    assert event["kind"] == "test_run"
    assert {k: event["data"][k] for k in ("passed", "failed", "errors", "skipped")} == {
        "passed": 18, "failed": 0, "errors": 0, "skipped": 1}
    assert "tax" not in traces  # held by a registry: left alone, so the identity test passed


@pytest.mark.parametrize("python", [None, pytest.param(NEWER, marks=needs_monitoring, id="sys.monitoring")])
def test_tricky_constructs_still_pass_and_are_traced(tmp_path, python):
    """Enums, dataclasses, slots, ABCs, NamedTuples, functools.wraps, lru_cache, singledispatch, defaults."""
    setup = tracer_setup(tmp_path / "data", tmp_path / "project")
    mode = {} if python else {"PULSEDEV_TRACE_MODE": "wrap"}
    files, proc = run_traced(tmp_path, setup, args=["checks/check_tricky.py"], python=python, extra_env=mode)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    traces, _ = load(files)
    got = {q: ({p["name"]: p["type"] for p in r["params"]}, r["returns"]["type"], r["kind"])
           for q, r in traces.items()}
    assert got["scale"] == ({"value": "int", "factor": "int"}, "int", "function")  # the wrapped signature
    assert got["Slotted.double"] == ({}, "int", "property")
    assert got["Slotted.double:setter"] == ({"new": "int"}, "None", "setter")
    assert got["Color.parse"][1] == "shop.tricky.Color" and got["Color.describe"][1] == "str"
    assert got["Point.norm1"] == ({}, "int", "method") and got["Square.area"] == ({}, "int", "method")
    assert got["depth"][0] == {"tree": "list[list[list]]"}
    assert traces["countdown"]["yields"]["type"] == "int" and got["countdown"][1] == "str"
    assert not {"fib", "show", "Point.__init__"} & set(traces)  # not functions of the project's files
    if python:  # what a registry or a default argument holds is traced too, nothing being replaced
        assert got["_"] == ({"x": "int"}, "str", "function") and got["helper"] == ({"x": "int"}, "int", "function")
    else:  # wrappers leave them alone
        assert not {"_", "helper"} & set(traces)


BROKEN = '''
from shop.pricing import apply_discount


def test_broken_discount():
    assert apply_discount(10.0, -1) == 10.0
'''


def test_failures_and_env_only_loading(tmp_path):
    """Loaded by PYTEST_PLUGINS alone; a failure names its type and innermost project frame."""
    setup = tracer_setup(tmp_path / "data", None)
    files, proc = run_traced(tmp_path, setup, {"checks/check_broken.py": BROKEN}, use_args=False)
    assert proc.returncode == 1
    traces, [event] = load(files)
    data = event["data"]
    assert (data["passed"], data["failed"], data["skipped"]) == (18, 1, 1)
    [failure] = data["failures"]
    assert failure["test_id"] == "checks/check_broken.py::test_broken_discount"
    assert failure["error_type"] == "ValueError" and failure["message"] == "negative discount"
    pricing = tmp_path / "project/shop/pricing.py"
    assert failure["uri"] == pricing.as_uri()
    assert pricing.read_text().splitlines()[failure["line"] - 1].strip() == 'raise ValueError("negative discount")'
    assert traces["apply_discount"]["raises"] == {"ValueError": 2}


SUBTESTS = '''
import unittest


class Numbers(unittest.TestCase):
    def test_each(self):
        for i in range(5):
            with self.subTest(i=i):
                self.assertLess(i, 4)
'''


def test_subtests_count_as_pytest_counts_them(tmp_path):
    setup = tracer_setup(tmp_path / "data", None)
    files, proc = run_traced(tmp_path, setup, {"checks/check_sub.py": SUBTESTS}, args=["checks/check_sub.py"])
    _, [event] = load(files)
    data = event["data"]
    assert (data["passed"], data["failed"]) == (1, 1) and f"{data['failed']} failed, 1 passed" in proc.stdout
    assert data["failures"][0]["error_type"] == "AssertionError"


@pytest.mark.parametrize("python", [None, pytest.param(NEWER, marks=needs_monitoring, id="sys.monitoring")])
def test_limit_stops_recording_and_args_only_loading(tmp_path, python):
    setup = tracer_setup(tmp_path / "data", tmp_path / "project")
    files, proc = run_traced(tmp_path, setup, use_env=False, python=python, extra_env={
        "PULSEDEV_TRACE_LIMIT": "5", "PULSEDEV_TRACE_FULL": "2", "PULSEDEV_TRACE_STRIDE": "2"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    traces, _ = load(files)
    normalize = traces["Item.normalize"]  # called 10 times
    assert normalize["calls"] == 5 and not normalize["calls_complete"]
    assert normalize["sampled_calls"] == 3
    assert traces["parse_price"]["calls_complete"]


FRAMES = {
    "shop/frames.py": """import sys
import warnings


def depth_here():
    frame, n = sys._getframe(), 0
    while frame is not None:
        frame, n = frame.f_back, n + 1
    return n


def one_deeper():
    return depth_here()


def deprecated(x):
    warnings.warn("deprecated", DeprecationWarning, stacklevel=2)
    return x
""",
    "checks/check_frames.py": """import pytest

from shop import frames


def test_a_call_is_one_frame_deeper():
    assert frames.one_deeper() == frames.depth_here() + 1


def test_a_warning_names_the_caller():
    with pytest.warns(DeprecationWarning) as caught:
        frames.deprecated(1)
    assert caught[0].filename == __file__
""",
}


@needs_monitoring
def test_on_python_3_12_sys_monitoring_traces_without_replacing_anything(tmp_path):
    """The same exact types, with no wrapper: held functions are traced, and no frame is added."""
    setup = tracer_setup(tmp_path / "data", tmp_path / "project")
    files, proc = run_traced(tmp_path, setup, FRAMES, python=NEWER)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    traces, [event] = load(files)
    got = {q: ({p["name"]: p["type"] for p in r["params"]}, r["returns"]["type"])
           for q, r in traces.items() if r["module"] not in ("shop.tricky", "shop.frames")}
    assert got == {**EXPECTED, "tax": ({"amount": "float"}, "float")}  # the registry's, now traced too
    assert traces["Cart.lines"]["yields"]["type"] == "tuple[shop.models.Item, int]"
    assert traces["apply_discount"]["raises"] == {"ValueError": 1} and traces["apply_discount"]["calls"] == 3
    assert traces["one_deeper"]["returns"]["type"] == "int" and traces["deprecated"]["params"][0]["type"] == "int"
    assert event["data"]["passed"] == 20 and event["data"]["failed"] == 0
    assert "functions traced (sys.monitoring)" in proc.stdout


def test_wrappers_are_one_frame_each_where_sys_monitoring_is_missing(tmp_path):
    """What PULSEDEV_TRACE_MODE=wrap (and Python before 3.12) costs: the frame checks fail traced."""
    setup = tracer_setup(tmp_path / "data", tmp_path / "project")
    _, proc = run_traced(tmp_path, setup, FRAMES, args=["checks/check_frames.py"],
                         extra_env={"PULSEDEV_TRACE_MODE": "wrap"})
    assert proc.returncode == 1 and "2 failed" in proc.stdout, proc.stdout + proc.stderr
    untraced = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:asyncio", "checks/check_frames.py"],
                              check=False, cwd=tmp_path / "project", capture_output=True, text=True,
                              timeout=120)
    assert untraced.returncode == 0, untraced.stdout


def test_no_spool_no_output(tmp_path):
    setup = tracer_setup(tmp_path / "data", None)
    files, proc = run_traced(tmp_path, setup, extra_env={"PULSEDEV_TRACE": "0"})
    assert proc.returncode == 0 and files == []


def test_tracer_parses_as_python_3_8():
    """It runs in the user's interpreter, which may be older than PulseDev's."""
    for path in TRACER_DIR.glob("*.py"):
        ast.parse(path.read_text(), filename=str(path), feature_version=(3, 8))


def test_tracer_setup_env(tmp_path):
    out = tracer_setup(tmp_path, tmp_path / "ws", environ={"PYTHONPATH": "/a", "PYTEST_PLUGINS": "x"})
    assert out["env"]["PYTHONPATH"] == os.pathsep.join([str(TRACER_DIR), "/a"])
    assert out["env"]["PYTEST_PLUGINS"] == "x,pulsedev_trace"
    assert out["env"]["PULSEDEV_SPOOL"] == str(tmp_path / "spool") and (tmp_path / "spool").is_dir()
    assert out["env"]["PULSEDEV_TRACE_ROOT"] == str(tmp_path / "ws")
    assert out["args"] == ["-p", "pulsedev_trace"]
    assert (TRACER_DIR / "pulsedev_trace.py").is_file()
