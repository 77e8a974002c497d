"""Parameter rules (models/types/params.py): a default that is a sentinel object."""

from __future__ import annotations

import ast

import pytest
from type_helpers import evidence_at

from pulsedev.models.types.combine import combine
from pulsedev.models.types.corpus import Sample
from pulsedev.models.types.evidence import Evidence
from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.model import _without_sentinel

SENTINELS = """\
class UseClientDefault:
    pass

USE_CLIENT_DEFAULT = UseClientDefault()
MISSING = object()
CONFIGURED = UseClientDefault(3)

def send(follow_redirects=USE_CLIENT_DEFAULT, other=MISSING, mode=CONFIGURED):
    pass
"""


def _param(src, name, module="", index=None):
    return evidence_at(src, "parameter", name, module=module, index=index)


def test_a_default_that_is_an_object_of_a_workspace_class_is_a_sentinel():
    ev = _param(SENTINELS, "follow_redirects")
    assert (ev.type, ev.rule, ev.sentinel) == (None, "default_sentinel", "UseClientDefault")
    assert ev.words == "default is the sentinel `USE_CLIENT_DEFAULT`"


@pytest.mark.parametrize("name", ["other", "mode"])  # `object()` is no class of the workspace; a call with
def test_other_defaults_are_no_sentinels(name):  # arguments configures an object, it stands for nothing
    assert _param(SENTINELS, name).sentinel is None


def test_a_sentinel_imported_from_another_module():
    user = "from pkg.base import USE_CLIENT_DEFAULT\n\ndef get(follow_redirects=USE_CLIENT_DEFAULT):\n    pass\n"
    index = WorkspaceIndex(None)
    index.update("pkg.base", ast.parse(SENTINELS))
    assert _param(user, "follow_redirects", "pkg.app", index).sentinel == "UseClientDefault"


def test_the_sentinel_class_is_joined_to_the_models_choice_and_taken_out_of_what_it_learns():
    ev = Evidence(None, "default_sentinel", "default is the sentinel `USE_CLIENT_DEFAULT`", sentinel="UseClientDefault")
    shown = combine(ev, ("bool", 0.9), kind="parameter")
    assert (shown.type, shown.confidence, shown.source) == ("bool | UseClientDefault", 0.9, "model")
    assert shown.words.endswith("; default is the sentinel `USE_CLIENT_DEFAULT`")
    assert combine(ev, None) is None  # nothing to join it to without a model
    feats = {"p:sentinel=UseClientDefault": 1.0}
    assert _without_sentinel(Sample(feats, "bool | UseClientDefault", None, "parameter", "g")).label == "bool"
    assert _without_sentinel(Sample(feats, "UseClientDefault", None, "parameter", "g")).label == "UseClientDefault"
    assert _without_sentinel(Sample({}, "bool | UseClientDefault", None, "parameter", "g")).label == \
        "bool | UseClientDefault"


@pytest.mark.parametrize("body, expected", [
    ("    if path is None:\n        return\n", ("str | None", "default_none_checked")),
    ("    return None if path is not None else 1\n", ("str | None", "default_none_checked")),
    ("    return path == ''\n", ("str", "default_literal")),  # compared, but not with None
    ("    other = None\n    return other is None\n", ("str", "default_literal")),  # another name
])
def test_a_literal_default_of_a_parameter_compared_with_none_may_be_none(body, expected):
    ev = evidence_at(f"def cookie(path='/'):\n{body}", "parameter", "path")
    assert (ev.type, ev.rule) == expected


@pytest.mark.parametrize("body, expected", [
    ("    if silent:\n        return True\n", "bool"),
    ("    while not silent and x:\n        x -= 1\n    return x if silent else 0\n", "bool"),
    ("    assert silent or x\n", "bool"),
    ("    if silent:\n        print(silent)\n", None),  # also passed on: a value, not only a flag
    ("    if silent:\n        silent = 2\n", None),  # also assigned
    ("    return x\n", None),  # not read at all
])
def test_a_parameter_whose_truth_alone_is_tested_is_a_bool(body, expected):
    ev = evidence_at(f"def rule(x, silent):\n{body}", "parameter", "silent")
    assert ev.type == expected
    assert evidence_at(f"def rule(x, silent=None):\n{body}", "parameter", "silent").type == (
        expected and f"{expected} | None")


@pytest.mark.parametrize("body, expected", [
    ("    return raw.encode('ascii')\n", "str"),  # of the builtins, only a str has `encode`
    ("    return raw.decode()\n", "bytes"),
    ("    if raw == 'TRACES':\n        return 1\n", "str"),
    ("    return raw in ('a', 'b') or raw.startswith('-')\n", "str"),
    ("    return raw.split(b',')\n", "bytes"),
    ("    return raw + '_x'\n", "str"),
    ("    return raw.strip()\n", "str"),  # a method str and bytes share: the far more common
    ("    return raw.count(\"a\")\n", "str"),  # (a sequence's too, but the literal tells)
    ("    return raw.count(x)\n", None),
    ("    return raw.encode() + raw.decode()\n", None),  # both: neither
    ("    return raw.encode(), raw.name\n", None),  # an attribute neither has
    ("    if isinstance(raw, bytes):\n        return raw\n    return raw.encode()\n", None),
    ("    if raw is None:\n        return ''\n    return raw.encode()\n", None),
    ("    raw = raw.encode()\n    return raw\n", "str"),  # read before it is bound again
    ("    for c in 'ab':\n        raw = raw.strip(c).encode()\n    return raw\n", None),  # bound again in a loop
    ("    return raw in (1, 'a')\n", None),
])
def test_how_a_parameter_is_used_tells_a_str_from_bytes(body, expected):
    ev = evidence_at(f"def rule(raw):\n{body}", "parameter", "raw")
    assert (ev.type, ev.rule if expected else None) == (expected, expected and "text_use")
    assert evidence_at(f"def rule(raw=None):\n{body}", "parameter", "raw").type == (
        expected and f"{expected} | None")


@pytest.mark.parametrize("body, expected", [
    ("    return data[n:]\n", "int"),  # a slice bound
    ("    for i in range(n):\n        pass\n", "int"),
    ("    if n < 0:\n        return n + 1\n    return n // 2\n", "int"),
    ("    return n < 0\n", None),  # an ordering alone is as often a float's
    ("    return n * 2\n", None),  # a str repeats too
    ("    return n + 1.5\n", None),
    ("    return data[n:], n.real\n", None),  # an attribute
    ("    return data[n:] if n is not None else data\n", None),
    ("    n = n + 1\n    return data[n:]\n", "int"),  # `n + 1` reads it before it is bound again
    ("    n = len(data)\n    return data[n:]\n", None),  # bound again before any use
])
def test_how_a_parameter_is_used_makes_it_an_int(body, expected):
    ev = evidence_at(f"def rule(data, n):\n{body}", "parameter", "n")
    assert (ev.type, ev.rule if expected else None) == (expected, expected and "int_use")


KEYED = ("NAMES = {10: 'debug', 20: 'info'}\nALIASES = {'warn', 'fatal'}\n\n\n"
         "class Streams:\n    def __init__(self):\n        self.open = {1: 'a'}\n\n")


@pytest.mark.parametrize("body, expected", [
    ("    return NAMES[level]\n", "int"),  # a module's dict, keyed by int
    ("    return level in ALIASES\n", "str"),  # a set's element
    ("    return NAMES[level], level in ALIASES\n", None),  # an int key and a str element disagree
    ("    level = level.lower()\n    return NAMES[level]\n", None),  # rebound
    ("    return level == 'x' and NAMES\n", None),  # not looked up
])
def test_a_parameter_looked_up_in_a_known_container_is_its_key(body, expected):
    ev = evidence_at(f"{KEYED}\ndef name_of(level):\n{body}", "parameter", "level")
    assert (ev.type if ev.rule == "key_use" else None) == expected


def test_a_parameter_used_as_the_key_of_a_field_is_the_field_s_key():
    src = KEYED + "    def close(self, stream_id=None):\n        del self.open[stream_id]\n"
    ev = evidence_at(src, "parameter", "stream_id")
    assert (ev.type, ev.rule, ev.words) == ("int | None", "key_use_none", "looked up in a container keyed by int")


FIELDS = """\
class Reader:
    def __init__(self, encoding, limit, verbose, other, mode=None, count=0, total=None):
        self.encoding = encoding
        self.limit = limit
        self.verbose = verbose
        self.other = other
        self.mode = mode
        self.count = count
        self.total = total

    def read(self, items):
        if self.verbose:
            print(self.encoding.lower(), self.mode.encode())
        self.other = 3
        self.count -= 1
        self.total += self.limit
        return items[: self.limit], self.other

    def size(self):
        return self.count
"""


@pytest.mark.parametrize("name, expected", [
    ("encoding", ("str", "stored as `self.encoding`, used as a str")),
    ("limit", ("int", "stored as `self.limit`, used as an int")),
    ("verbose", ("bool", "stored as `self.verbose`, only its truth is tested")),
    ("mode", ("str | None", "stored as `self.mode`, used as a str")),
    ("other", None),  # assigned again: it may hold something else
    ("total", None),  # `+= self.limit`: set again to what it is added
])
def test_a_parameter_stored_in_a_field_is_what_the_class_uses_the_field_as(name, expected):
    ev = evidence_at(FIELDS, "parameter", name, "Reader.__init__")
    assert ((ev.type, ev.words) if ev.rule.startswith("field_use") else None) == expected


def test_a_field_counted_down_by_a_constant_is_an_int_and_so_is_what_returns_it():
    src = FIELDS.replace(", count=0", "").replace("(self, encoding", "(self, count, encoding")
    ev = evidence_at(src, "parameter", "count", "Reader.__init__")
    assert (ev.type, ev.rule) == ("int", "field_use")  # `self.count -= 1` reads it as an int and keeps it one
    assert evidence_at(src, "return", "return", "Reader.size").type == "int"


def test_a_parameter_passed_on_to_one_used_as_text_is_text():
    src = "def quote(raw):\n    return raw.encode()\n\n\ndef header(name):\n    return quote(name)\n"
    ev = evidence_at(src, "parameter", "name", "header")
    assert (ev.type, ev.rule) == ("str", "forwarded")


MARKERS = {
    "pkg.models": "class Placeholder:\n    def __init__(self, value):\n        self.value = value\n\n\n"
                  "def Default(value):\n    return Placeholder(value)\n\n\nclass Retry:\n    pass\n",
    "pkg.app": "import logging\nfrom pkg.models import Default, Retry\nfrom pkg import models\n\n\n"
               "def run(name=Default(None), flag=models.Default(False), retry=Retry(), log=logging.getLogger()):\n"
               "    return name, flag, retry, log\n",
}


@pytest.mark.parametrize("name, expected", [
    ("name", (None, "default_made")),  # typer's `Default(None)`: a marker wrapping the value
    ("flag", (None, "default_made")),  # the same function through its module
    ("retry", ("Retry", "default_call")),  # a class makes what it is
    ("log", ("Logger", "default_call")),  # so does the standard library
])
def test_a_default_a_workspace_function_makes_says_nothing_of_the_type(name, expected):
    from type_helpers import index_of

    index = index_of(MARKERS)
    ev = _param(MARKERS["pkg.app"], name, module="pkg.app", index=index)
    assert (ev.type, ev.rule) == expected


def test_a_class_a_name_only_begins_comes_after_what_later_rules_find():
    src = ("class StateInline:\n    pass\n\n\n"
           "def step(state, other_state):\n    return state\n\n\n"
           "def run(state):\n    '''Run.\n\n    Args:\n        state (int): the step.\n    '''\n    return state\n")
    assert evidence_at(src, "parameter", "state", "run").type == "int"  # the docstring's, not `StateInline`
    ev = evidence_at(src, "parameter", "state", "step")
    assert (ev.type, ev.rule) == ("StateInline", "name_class_prefix")  # when nothing else says
