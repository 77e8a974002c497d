"""What members of standard-library classes give, from typeshed's stubs, and the rules that use it."""

from __future__ import annotations

import pytest
from type_helpers import evidence_at, index_of

from pulsedev.models.types.stdclasses import generic, member_type


@pytest.mark.parametrize("dotted, name, call, expected", [
    ("pathlib.Path", "suffix", False, "str"),  # a property of a base class (PurePath)
    ("pathlib.Path", "read_bytes", True, "bytes"),
    ("pathlib.Path", "with_suffix", True, "Path"),  # `-> Self`: the receiver
    ("pathlib.Path", "iterdir", True, "Generator[Path, None, None]"),  # the stub's `Generator[Self]`, written out
    ("io.BytesIO", "getvalue", True, "bytes"),  # io re-exports _io's class
    ("threading.Thread", "is_alive", True, "bool"),
    ("pathlib.Path", "suffix", True, None),  # `p.suffix()` is not what a property gives
    ("pathlib.Path", "exists", False, None),  # nor `p.exists` what a method returns
    ("collections.deque", "popleft", True, None),  # a TypeVar: not writable
    ("pathlib.Path", "_flavour", False, None),
    ("pathlib.Path", "no_such_member", True, None),
    ("nosuchmodule.Thing", "x", False, None),
])
def test_member_type_reads_the_stub(dotted, name, call, expected):
    assert member_type(dotted, name, call, dotted.rpartition(".")[2]) == expected


def test_generic_classes_are_told_apart():
    assert generic("subprocess.Popen") and generic("collections.deque")
    assert generic("pathlib.Path") is False and generic("io.BytesIO") is False
    assert generic("nosuchmodule.Thing") is None and generic("pathlib.NoSuchClass") is None


SRC = '''
import io
import pathlib

class Wrapper:
    def __init__(self, where):
        self._path = pathlib.Path(where)
        self._buffer = io.BytesIO()

    def suffix(self):
        return self._path.suffix

    def parent(self):
        return self._path.parent

    def contents(self):
        return self._buffer.getvalue()

    def size(self):
        return self._path.stat().st_size
'''


@pytest.mark.parametrize("qualname, expected", [
    ("Wrapper.suffix", "str"), ("Wrapper.parent", "Path"), ("Wrapper.contents", "bytes"),
    ("Wrapper.size", None),  # `stat()` gives a `stat_result`, which the file cannot write
])
def test_a_wrapper_returns_what_the_wrapped_stdlib_object_gives(qualname, expected):
    assert evidence_at(SRC, "return", "return", qualname).type == expected


def test_a_workspace_class_named_like_a_stdlib_one_is_not_read_from_the_stub():
    src = SRC.replace("import pathlib", "import pathlib\nclass Path:\n    suffix = None")
    src = src.replace("pathlib.Path(where)", "Path(where)")
    assert evidence_at(src, "return", "return", "Wrapper.suffix").type is None


def test_a_class_is_spelled_as_the_file_imports_it_and_only_from_where_it_lives():
    from pulsedev.models.types.stdclasses import speller

    spell = speller({"ast": "ast", "Name": "ast.Name", "json": "json", "socket": "socket", "t": "typing"})
    assert spell("ast.Name") == "Name"  # imported by name
    assert spell("ast.AST") == "ast.AST"  # through its module
    assert spell("json.JSONEncoder") == "json.JSONEncoder"  # re-exported by its package
    assert spell("typing.SupportsIndex") == "t.SupportsIndex"
    assert speller({"socket": "socket"})("typing.SupportsIndex") is None  # the socket stub only imports it
    assert spell("logging.LogRecord") is None  # a module the file does not import


def test_a_parameter_passed_to_a_stdlib_function_takes_the_class_as_the_file_names_it():
    src = "import ast\n\n\ndef names(tree):\n    for node in ast.walk(tree):\n        yield node\n"
    ev = evidence_at(src, "parameter", "tree", "names", "pkg.mod", index_of({"pkg.mod": src}))
    assert (ev.type, ev.rule) == ("ast.AST", "forwarded_weak")
