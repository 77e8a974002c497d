"""Members of workspace classes and whether a parameter's use fits one (models/types/members.py)."""

from __future__ import annotations

import ast

import pytest
from type_helpers import evidence_at, index_of

from pulsedev.models.types.context import FileContext
from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.members import fit, members
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import evidence_for

STATES = """\
from typing import Generic, TypeVar
T = TypeVar("T")

class StateBase(Generic[T]):
    md = None
    def __init__(self, src):
        self.src = src

class StateInline(StateBase):
    def __init__(self, src):
        super().__init__(src)
        self.pos = 0
    def push(self, token):
        self.pending = token

class StateError(ValueError):
    pass
"""


def _ctx(src, module="", index=None):
    return FileContext(ast.parse(src), module, index)


def test_members_gather_methods_class_names_self_attributes_and_bases():
    found = members(_ctx(STATES), "StateInline")
    assert {"src", "pos", "pending", "push", "md", "__init__"} <= found.names
    assert found.complete  # Generic adds nothing a use would read
    assert members(_ctx(STATES), "StateError").complete is False  # ValueError's members are not read
    assert members(_ctx(STATES), "Missing") is None


def test_members_of_a_class_imported_from_another_workspace_module():
    index = WorkspaceIndex(None)
    index.update("pkg.states", ast.parse(STATES))
    user = "from pkg.states import StateInline\nclass Mine(StateInline):\n    def go(self):\n        self.seen = 1\n"
    index.update("pkg.user", ast.parse(user))
    ctx = _ctx(user, "pkg.user", index)
    assert {"pos", "src", "seen"} <= members(ctx, "Mine").names
    assert members(ctx, "StateInline").names == members(_ctx(STATES), "StateInline").names


def test_members_of_a_base_cycle_end():
    src = "class A(B):\n    x = 1\nclass B(A):\n    y = 2\n"
    assert members(_ctx(src), "A").names >= {"x", "y"}


@pytest.mark.parametrize("body, expected", [
    ("    return state.src[state.pos]\n", ("found", ["pos", "src"])),
    ("    state.push(1)\n    return state.md\n", ("found", ["md", "push"])),
    ("    return state.bMarks\n", ("missing", ["bMarks"])),
    ("    return len(state)\n", None),  # nothing read: nothing to compare
    ("    return state.__class__\n", None),  # dunders are every object's
])
def test_fit_compares_what_a_def_reads_with_the_class(body, expected):
    src = STATES + f"def link(state):\n{body}"
    ctx = _ctx(src)
    func = ctx.functions["link"]
    assert fit(ctx, func, "state", "StateInline") == expected


def test_fit_of_a_class_with_unknown_bases_never_says_missing():
    src = STATES + "def fail(state_error):\n    return state_error.args\n"
    ctx = _ctx(src)
    assert fit(ctx, ctx.functions["fail"], "state_error", "StateError") is None


def test_parameter_evidence_carries_the_fit_and_says_it():
    src = STATES + "def link(state_inline, state_base):\n    return state_inline.pos, state_base.pos\n"
    src = src.replace("StateBase(Generic[T])", "StateBase")  # (a bare generic class is no whole type to name)
    tree = ast.parse(src)
    ctx = FileContext(tree, "")
    slots = {s.name: s for s in find_slots(tree, src) if s.kind == "parameter"}
    inline, base = evidence_for(slots["state_inline"], ctx), evidence_for(slots["state_base"], ctx)
    assert (inline.type, inline.fit) == ("StateInline", "found")
    assert "reads `pos` of it" in inline.words
    assert (base.type, base.fit) == ("StateBase", "missing")


def test_a_fitting_class_keeps_its_floor_unless_the_model_is_sure_of_another_type():
    from pulsedev.models.types.combine import FITTED, combine
    from pulsedev.models.types.evidence import Evidence

    fitted = Evidence("StateInline", "name_class_prefix", "named like the class `StateInline`", "found")
    assert (combine(fitted, ("object", 0.3), kind="parameter").type, combine(fitted, None).confidence) == \
        ("StateInline", FITTED)
    assert combine(fitted, ("StateInline", 0.95), kind="parameter").confidence == 0.95
    assert combine(fitted, ("str", 0.7), kind="parameter").type == "str"
    for how in (None, "missing"):  # without the check the model decides; without a model nothing is shown
        unfitted = Evidence("StateInline", "name_class_prefix", "named like the class `StateInline`", how)
        assert combine(unfitted, ("object", 0.3), kind="parameter").type == "object"
        assert combine(unfitted, None) is None


def test_a_name_that_fits_several_classes_takes_the_one_whose_members_it_reads():
    src = STATES.replace("class StateError", "class StateBlock(StateBase):\n    def __init__(self, src):\n"
                                             "        self.bMarks = []\n\nclass StateError")
    for body, expected in (("state.pos", "StateInline"), ("state.bMarks", "StateBlock"), ("state.src", None)):
        ev = _param(src + f"def rule(state):\n    return {body}\n", "state")
        assert ev.type == expected, body
        assert ev.rule == ("name_class_prefix" if expected else "nodefault")


def _param(src, name):
    tree = ast.parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == "parameter" and s.name == name)
    return evidence_for(slot, FileContext(tree, ""))


def _return(src, qual=None, module="", index=None):
    tree = ast.parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == "return" and qual in (None, s.qualname))
    return evidence_for(slot, FileContext(tree, module, index))


@pytest.mark.parametrize("init, expected", [
    ("        self.reason = reason\n", "str | None"),
    ("        self._other = reason\n", None),  # no declaration of that attribute
    ("        self.reason = reason.render()\n", None),  # what is stored is not the parameter
])
def test_a_parameter_stored_in_a_declared_field_has_the_fields_type(init, expected):
    src = f"class Response:\n    reason: str | None\n    def __init__(self, reason):\n{init}"
    ev = _param(src, "reason")
    assert ev.type == expected
    if expected:
        assert (ev.rule, ev.words) == ("field", "stored as `self.reason`, declared str | None")


def test_a_field_declared_without_none_takes_none_from_a_none_default():
    src = "class Pool:\n    size: int\n    def __init__(self, size=None):\n        self.size = size\n"
    assert _param(src, "size").type == "int | None"


SHAPES = '''
class Shape:
    def name(self):
        raise NotImplementedError

    def area(self):
        ...

    def sides(self):
        """How many sides."""


class Square(Shape):
    def name(self):
        return "square"

    def area(self):
        return 1


class Tile(Square):
    def name(self):
        return "tile".upper()

    def area(self):
        return 2.5
'''


@pytest.mark.parametrize("qual, expected", [
    ("Shape.name", ("str", "its overrides in 2 subclasses return str")),
    ("Shape.area", (None, "")),  # the overrides disagree
    ("Shape.sides", (None, "")),  # no override
])
def test_a_stub_method_returns_what_its_overrides_return(qual, expected):
    ev = _return(SHAPES, qual)
    assert (ev.type, ev.words) == expected


def test_overrides_are_found_across_the_workspace_as_saved():
    src = "class Codec:\n    def encode(self, text):\n        ...\n"
    index = index_of({"pkg.base": src, "pkg.utf": "from .base import Codec\nclass Utf(Codec):\n"
                                               "    def encode(self, text):\n        return text.encode()\n"})
    assert _return(src, module="pkg.base", index=index).type == "bytes"
    assert index.replace("pkg.utf", "from .base import Codec\nclass Utf(Codec):\n"
                                    "    def encode(self, text):\n        return len(text)\n")  # saved again
    assert _return(src, module="pkg.base", index=index).type == "int"


DECODERS = """\
class ContentDecoder:
    pass

class GzipDecoder(ContentDecoder):
    pass

class DeflateDecoder(ContentDecoder):
    pass

class LogMixin:
    pass

class Plain(LogMixin):
    pass

class Fancy(LogMixin):
    pass

def decoder(mode):
    if mode == "gzip":
        return GzipDecoder()
    return DeflateDecoder()

def maybe(mode):
    if mode:
        return GzipDecoder()
    return None

def base_or_sub(mode):
    if mode:
        return GzipDecoder()
    return ContentDecoder()

def shown(mode):
    if mode:
        return Plain()
    return Fancy()
"""


@pytest.mark.parametrize("func, expected", [
    ("decoder", "ContentDecoder"),  # what an annotation of several subclasses says
    ("maybe", "GzipDecoder | None"),  # one class: nothing to join
    ("base_or_sub", "ContentDecoder"),
    ("shown", "Plain | Fancy"),  # a mixin is not what its users are
])
def test_returns_of_sibling_classes_are_their_common_base(func, expected):
    assert _return(DECODERS, func).type == expected


@pytest.mark.parametrize("imported", ["Response", "Response as R"])  # named as defined, not as imported
def test_the_common_base_of_classes_imported_from_other_modules(imported):
    base = imported.split()[-1]
    user = ("from pkg.kinds import File, Redirect\n\n"
            "def respond(path):\n    if path:\n        return File()\n    return Redirect()\n")
    index = index_of({"pkg.base": "class Response:\n    pass\n", "pkg.app": user,
                    "pkg.kinds": f"from pkg.base import {imported}\nclass File({base}):\n    pass\n"
                                 f"class Redirect({base}):\n    pass\n"})
    assert _return(user, module="pkg.app", index=index).type == "Response"


def test_a_variable_given_sibling_classes_is_their_common_base():
    src = DECODERS + """
class Reader:
    def __init__(self):
        self._decoder = None
        self.history = []

    def switch(self, mode):
        self._decoder = GzipDecoder()
        if mode == "deflate":
            self._decoder = DeflateDecoder()
        self.history.append(GzipDecoder())
        self.history.append(DeflateDecoder())

def collect(modes):
    found = []
    for mode in modes:
        if mode:
            found.append(GzipDecoder())
        else:
            found.append(DeflateDecoder())
    return found
"""
    ctx = FileContext(ast.parse(src))
    found = {s.name: evidence_for(s, ctx) for s in find_slots(ctx.tree, src) if s.kind == "variable"}
    assert found["self._decoder"].type == "ContentDecoder | None"  # set later to either: their base
    assert found["self.history"].type == "list[ContentDecoder]"  # filled with either
    assert found["found"].type == "list[ContentDecoder]" == _return(src, "collect").type  # a local list too


#: (source, parameter, the def that makes its class out of it or passes it on, a def that only uses it,
#: the class its name names, (type, fit), what the tooltip says): a parameter made into an object of
#: its class is that or what makes one takes (`URL | str`), and one passed on as another type is
#: seldom only that class (not a sure `Comment`).
NOT_FITTING = [
    (("class URL:\n    def __init__(self, raw=''):\n        self.raw = raw\n\n\n"
     "def fetch(url):\n    url = URL(url)\n    return url.raw\n\n\n"
     "def show(url):\n    return url.raw\n"), "url", "fetch", "show", "URL", ("URL | str", "made"),
     "or what `__init__` takes"),
    # repr() returns a str, not a Url: `wrap` makes no Url of it
    (("class Url:\n    def __init__(self, host=''):\n        self.host = host\n\n\n"
     "def parse_url(text):\n    return Url(text.strip())\n\n\n"
     "def connect(url):\n    parsed = parse_url(url)\n    return parsed.host\n\n\n"
     "def wrap(url):\n    label = repr(url)\n    return url.host, label\n"),
     "url", "connect", "wrap", "Url", ("Url | str", "made"), "or what `parse_url` takes"),
    # `validate` takes a str: a str, most likely
    (("class Comment:\n    def __init__(self, text=''):\n        self.text = text\n\n\n"
     "def validate(text=''):\n    return text.strip()\n\n\n"
     "def add(comment):\n    validate(comment)\n    return comment.text\n\n\n"
     "def show(comment):\n    return comment.text\n"),
     "comment", "add", "show", "Comment", ("Comment", "missing"), "passed on to `validate`, which takes str"),
]


@pytest.mark.parametrize(("src", "name", "making", "using", "cls", "expected", "words"), NOT_FITTING,
                         ids=["constructor", "converter", "passed-on"])
def test_a_parameter_made_into_or_passed_on_as_another_type_does_not_fit_its_class(src, name, making, using, cls,
                                                                                   expected, words):
    made, plain = evidence_at(src, "parameter", name, making), evidence_at(src, "parameter", name, using)
    assert (made.type, made.fit) == expected  # what makes its class takes, beside it
    assert words in made.words
    assert (plain.type, plain.fit) == (cls, "found")


def test_a_method_parameter_named_like_its_own_class_is_not_taken_for_it():
    src = ("class HeaderSet:\n    def __init__(self):\n        self.items = []\n\n"
           "    def add(self, header):\n        self.items.append(header)\n\n\n"
           "def merge(header):\n    return header.items\n")
    in_method = evidence_at(src, "parameter", "header", "HeaderSet.add")
    outside = evidence_at(src, "parameter", "header", "merge")
    assert in_method.type is None  # one header of the set, not a set
    assert (outside.type, outside.rule) == ("HeaderSet", "name_class_prefix")
