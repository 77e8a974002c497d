"""The standard library's code labelled by typeshed's stubs (models/types/stdsource.py)."""

from __future__ import annotations

import sys

from pulsedev.models.types.corpus import feature_value
from pulsedev.models.types.stdsource import STDLIB_GROUP, library_samples, stdlib_dir, stub_labels


def _library(tmp_path):
    lib, stubs = tmp_path / "lib", tmp_path / "stubs"
    (lib / "netlib").mkdir(parents=True)
    (lib / "test").mkdir()
    (stubs / "netlib").mkdir(parents=True)
    (lib / "netlib" / "__init__.py").write_text("")
    (lib / "netlib" / "conn.py").write_text(
        "def connect(host, port=80, timeout=None):\n"
        "    return host.encode() + b':' + str(port).encode()\n\n\n"
        "def pick(x):\n    return x\n\n\n"
        "class Pool:\n    def take(self, n: 'int', block=True):\n        return [n] * 2\n")
    (lib / "test" / "test_netlib.py").write_text("def test_it(x):\n    return x\n")
    (stubs / "netlib" / "conn.pyi").write_text(
        "from typing import overload\n"
        "def connect(host: str, port: int = ..., timeout: float | None = ...) -> bytes: ...\n"
        "@overload\ndef pick(x: int) -> int: ...\n@overload\ndef pick(x: str) -> str: ...\n"
        "class Pool:\n    def take(self, __n: float, block: bool = ...) -> list[int]: ...\n")
    return lib, stubs


def test_a_library_s_code_learns_the_annotations_its_stubs_give(tmp_path):
    lib, stubs = _library(tmp_path)
    samples = library_samples(lib, stubs)
    got = {(feature_value(s.features, f"{s.kind[0]}:name", "return"), s.label if s.label != "<static>" else s.static)
           for s in samples}
    assert ("host", "str") in got and ("timeout", "float | None") in got and ("block", "bool") in got
    assert ("n", "int") in got  # the source's own annotation wins over the stub's `__n: float`
    assert not any(feature_value(s.features, "p:name") == "x" for s in samples)  # `pick` is overloaded
    assert {s.group for s in samples} == {STDLIB_GROUP + "netlib"}  # tests are never read
    assert not any(s.calibrates for s in samples)  # typeshed's labels teach the regression only
    port = next(s for s in samples if feature_value(s.features, "p:name") == "port")
    assert "stubbed" not in port.features and any(k.startswith("p:def") for k in port.features)  # a real body
    assert library_samples(lib, stubs, exclude={"netlib"}) == []


def test_stub_labels_drop_defs_a_stub_types_twice_differently(tmp_path):
    (tmp_path / "m.pyi").write_text(
        "import sys\nif sys.version_info >= (3, 12):\n    def f(a: int) -> int: ...\n"
        "else:\n    def f(a: str) -> int: ...\n")
    assert stub_labels(tmp_path, "m") == {("return", "f", "return"): "int"}
    assert stub_labels(tmp_path, "missing") == {}


def test_the_interpreter_s_standard_library_is_found():
    lib = stdlib_dir(sys.executable)
    assert lib is not None and (lib / "json" / "__init__.py").is_file()
    assert stdlib_dir(str(lib / "no-such-python")) is None
