"""Typeshed's stubs as training samples: signatures only, typeshed-only labels left out."""

from __future__ import annotations

from pulsedev.models.types.stubs import STUB_GROUP, stub_samples
from pulsedev.models.types.typeshed import typeshed_dir


def test_stub_samples_from_a_typeshed_tree(tmp_path):
    (tmp_path / "stdlib").mkdir()
    (tmp_path / "stdlib" / "netlib.pyi").write_text(
        "from _typeshed import StrPath\n"
        "def connect(host: str, port: int = ..., path: StrPath = ...) -> bool: ...\n"
        "def name_of(x: int) -> str: ...\n")
    (tmp_path / "stubs" / "requests" / "requests").mkdir(parents=True)
    (tmp_path / "stubs" / "requests" / "requests" / "__init__.pyi").write_text("def get(url: str) -> int: ...\n")
    samples = stub_samples(root=tmp_path)
    got = {(s.group, s.kind, s.label) for s in samples}
    assert (STUB_GROUP + "netlib", "parameter", "int") in got
    assert (STUB_GROUP + "requests", "parameter", "str") in got
    assert not any(s.label == "StrPath" for s in samples)  # a typeshed helper, not a type users write
    port = next(s for s in samples if s.label == "int" and s.kind == "parameter" and "p:name=port" in s.features)
    assert "stubbed" in port.features and not any(k.startswith("p:defval") for k in port.features)  # `= ...`
    ret = next(s for s in samples if s.kind == "return" and s.label == "bool")
    assert not any(k.startswith("r:nret") for k in ret.features)  # a stub has no body to describe
    assert {s.group for s in stub_samples({"requests"}, root=tmp_path)} == {STUB_GROUP + "netlib"}


def test_jedi_ships_typeshed():
    root = typeshed_dir()
    assert root is not None and (root / "stdlib" / "socket.pyi").exists()
