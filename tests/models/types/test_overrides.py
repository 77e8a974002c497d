"""A method overriding a standard-library class's method takes and returns what its stub says
(models/types/overrides.py)."""

from __future__ import annotations

import pytest
from type_helpers import evidence_at, index_of

from pulsedev.models.types.context import FileContext
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import evidence_for

SRC = """\
import ast
import asyncio
import json
import logging
from ast import Name, NodeTransformer


class Visitor(NodeTransformer):
    def visit(self, node):
        return node

    def visit_Name(self, node):
        return node


class Formatter(logging.Formatter):
    def formatMessage(self, record):
        return self._style.format(record)

    @staticmethod
    def helper(record):
        return record

    def __init__(self, fmt):
        self.fmt = fmt


class Base(asyncio.Protocol):
    pass


class Stream(Base):
    def data_received(self, data):
        self.data = data

    def connection_lost(self, exc):
        pass

    def connection_made(self, transport):
        self.transport = transport


class Encoder(json.JSONEncoder):
    def default(self, obj):
        return str(obj)


class Table(dict):
    def __eq__(self, other):
        return True


class Text(str):
    def partition(self, sep, /):
        return super().partition(sep)
"""


@pytest.mark.parametrize("qualname, name, expected", [
    ("Visitor.visit", "node", "ast.AST"),  # written as the file names the module
    ("Visitor.visit_Name", "node", "Name"),  # and as it names the class, not `NodeTransformer` by its name
    ("Formatter.formatMessage", "record", "logging.LogRecord"),
    ("Stream.data_received", "data", "bytes"),  # through a workspace base
    ("Stream.connection_lost", "exc", "Exception | None"),
    ("Stream.connection_made", "transport", "asyncio.BaseTransport"),  # the stub's `transports.BaseTransport`
    ("Encoder.default", "obj", "Any"),
    ("Text.partition", "sep", "str"),  # its overloads for a LiteralString take a str as well
])
def test_an_override_takes_what_the_stub_of_its_base_declares(qualname, name, expected):
    ev = evidence_at(SRC, "parameter", name, qualname, "pkg.mod")
    assert (ev.type, ev.rule) == (expected, "override_std")
    assert ev.words.endswith(f"takes {expected}")


@pytest.mark.parametrize("qualname, name", [
    ("Formatter.helper", "record"),  # a staticmethod is called otherwise
    ("Formatter.__init__", "fmt"),  # constructors take what each class chooses
    ("Table.__eq__", "other"),  # `object` in stubs, where code writes Any
])
def test_what_an_override_takes_says_nothing_elsewhere(qualname, name):
    assert evidence_at(SRC, "parameter", name, qualname, "pkg.mod").rule != "override_std"


def test_a_type_the_file_cannot_name_is_not_given():
    src = "from logging import Handler\n\n\nclass H(Handler):\n    def emit(self, record):\n        pass\n"
    assert evidence_at(src, "parameter", "record", "H.emit", "pkg.mod").rule != "override_std"


def test_an_override_whose_body_says_nothing_returns_what_the_stub_declares():
    src = SRC + "\n\nclass Quiet(logging.Formatter):\n    def format(self, record):\n        return record.render()\n"
    tree = __import__("ast").parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == "return" and s.qualname == "Quiet.format")
    ev = evidence_for(slot, FileContext(tree, "pkg.mod"))
    assert (ev.type, ev.rule) == ("str", "ret_override_std")


def test_the_stdlib_base_of_a_workspace_base_in_another_module():
    index = index_of({"pkg.base": "import asyncio\n\n\nclass Base(asyncio.Protocol):\n    pass\n",
                      "pkg.proto": "from pkg.base import Base\n\n\nclass P(Base):\n"
                                   "    def data_received(self, data):\n        pass\n"})
    src = "from pkg.base import Base\n\n\nclass P(Base):\n    def data_received(self, data):\n        pass\n"
    ev = evidence_at(src, "parameter", "data", "P.data_received", "pkg.proto", index)
    assert (ev.type, ev.rule) == ("bytes", "override_std")
