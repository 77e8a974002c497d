"""Members of objects of unknown type, as the workspace's classes say (models/types/receivers.py)."""

from __future__ import annotations

import ast

from type_helpers import evidence_at, index_of

from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for


def _slots(src):
    return {(s.kind, s.qualname, s.name): s for s in find_slots(ast.parse(src), src)}


def test_a_method_of_an_unknown_receiver_returns_what_all_the_workspaces_methods_of_that_name_return():
    index = index_of({"pkg.transports": (
        "from typing import Self\n\nclass Response:\n    pass\n\n"
        "class HTTPTransport:\n    def perform_request(self, request):\n        return Response()\n"
        "    async def handle_async(self, request):\n        return Response()\n"
        "    def send(self, data):\n        return Response()\n\n"  # (a socket's `send` too)
        "class MockTransport:\n    def perform_request(self, request):\n        return Response()\n"
        "    def code_of(self):\n        return 200\n\n"
        "class Other:\n    def code_of(self):\n        return 'ok'\n"
        "    def replica(self):\n        return self\n")})
    src = ("import json\n\nclass Client:\n    def __init__(self, transport):\n        self.transport = transport\n"
           "    def send(self, request):\n        response = self.transport.perform_request(request)\n"
           "        return response\n"
           "    async def asend(self, request):\n        return await self.transport.handle_async(request)\n"
           "    def raw(self, data):\n        return self.transport.send(data)\n"
           "    def code_of(self):\n        return self.transport.code_of()\n"
           "    def copied(self):\n        return self.transport.replica()\n"
           "    def loaded(self, text):\n        return json.perform_request(text)\n")

    def returned(name):
        return evidence_at(src, "return", "return", f"Client.{name}", "pkg.client", index).type

    assert returned("send") == "Response" and returned("asend") == "Response"
    assert returned("raw") is None  # `send` is a method of the standard library's sockets as well
    assert returned("code_of") is None  # the workspace's `code_of` methods disagree
    assert returned("copied") is None  # `Self` is each class's own (here `Other`, not `Client`)
    assert returned("loaded") is None  # a module's function, not a method
    index.update("pkg.transports", ast.parse("class Response:\n    pass\n"))  # a save that drops them
    assert returned("send") is None


def test_an_attribute_of_an_unknown_receiver_is_the_field_the_workspaces_classes_declare():
    index = index_of({"pkg.run": (
        "class Instruments:\n    def add_instrument(self, i):\n        return len(i)\n\n"
        "class Runner:\n    instruments: Instruments\n    deadline: float\n    stdout: bytes\n"
        "    label: str\n\nclass Other:\n    label: int\n\n"
        "class Policy:\n    def __init__(self):\n        self.retries = 3\n        self.spare = None\n"
        "    @property\n    def waited(self):\n        return 1.5\n")})
    index.build_callsites()  # (the index reads the declared fields with the call sites)
    src = ("def deadline(context):\n    return context.runner.deadline\n\n"
           "def add(context, i):\n    return context.runner.instruments.add_instrument(i)\n\n"
           "def out(result):\n    return result.stdout\n\n"
           "def label(thing):\n    return thing.label\n\n"
           "def retries(policy):\n    return policy.retries\n\n"
           "def waited(policy):\n    return policy.waited\n\n"
           "def spare(policy):\n    return policy.spare\n")

    def returned(name):
        return evidence_at(src, "return", "return", name, "pkg.api", index).type

    assert returned("deadline") == "float"
    assert returned("add") == "int"  # `Instruments`, not imported here, is the workspace's class
    assert returned("out") is None  # a `subprocess.CompletedProcess` has a `stdout` as well
    assert returned("label") is None  # the classes disagree
    assert (returned("retries"), returned("waited")) == ("int", "float")  # set in `__init__`; a property
    assert returned("spare") is None  # None until something else is put there


def test_a_parameter_whose_reads_only_one_workspace_class_has_is_that_class():
    index = index_of({"pkg.nodes": (
        "from typing import Generic, TypeVar\nT = TypeVar('T')\n\n"
        "class Node:\n    def __init__(self):\n        self.subnodes = []\n        self.tag = ''\n\n"
        "class Element(Node):\n    def render(self):\n        return self.tag\n\n"
        "class Leaf:\n    def __init__(self):\n        self.tag = ''\n\n"
        "class Widget:\n    def __init__(self):\n        self.tag = ''\n\n"
        "class Box(Generic[T]):\n    def __init__(self):\n        self.contents = None\n        self.lid = 0\n")})
    index.build_callsites()  # (the index reads what the classes have with the call sites)
    src = ("def draw(widget):\n    return widget.subnodes, widget.tag\n\n"
           "def walk(node, leaf, box, checked, reads_one):\n"
           "    print(node.subnodes, node.tag, leaf.tag, leaf.colour, box.contents, box.lid, reads_one.tag)\n"
           "    if isinstance(checked, Leaf):\n        return checked.subnodes, checked.tag\n\n"
           "class Wrapper:\n    def __eq__(self, other):\n        return self.tag == other.tag and other.subnodes\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.walk", index)

    def ev(qualname, name):
        return evidence_for(slots[("parameter", qualname, name)], ctx)

    node = ev("walk", "node")
    assert (node.type, node.rule, node.fit) == ("Node", "duck", "found")
    assert node.words == "only `Node` has `subnodes`, `tag`"
    assert ev("walk", "leaf").type is None  # no class has `colour` as well
    assert ev("walk", "box").type is None  # `Box` holds what it is given
    assert ev("walk", "checked").type is None  # tested with isinstance: one of several
    assert ev("walk", "reads_one").type is None  # one attribute says too little
    assert ev("Wrapper.__eq__", "other").type is None
    assert (ev("draw", "widget").type, ev("draw", "widget").rule) == ("Node", "duck")  # not the `Widget` it is named
