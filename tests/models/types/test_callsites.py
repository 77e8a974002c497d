"""Call-site evidence: what callers pass becomes a parameter's static evidence."""

from __future__ import annotations

import ast
from pathlib import Path

from pulsedev.models.types.callsites import CallSites
from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for

SOURCE = '''
class Box:
    def __init__(self, title, width=None):
        self.title = title

    def render(self, console, pad):
        return self.draw(pad, 3.5)

    def draw(self, pad, scale):
        pass

    @classmethod
    def make(cls, name):
        return cls(name, 4)

    @staticmethod
    def helper(a, b=None):
        pass


def make_box(label, *rest):
    b = Box(label, width=10)
    b.render(None, 2)
    Box.helper("x", b=[1, 2])
    return Box.make("y")


make_box("z")
make_box(unknown_thing)
'''


def _evidence(source: str, ctx: FileContext) -> dict[str, object]:
    tree = ctx.tree
    return {f"{s.qualname}.{s.name}": evidence_for(s, ctx) for s in find_slots(tree, source) if s.kind == "parameter"}


def _file_context(source: str) -> FileContext:
    ctx = FileContext(ast.parse(source), "m")
    ctx.calls = CallSites()
    ctx.calls.add_module(ctx)
    ctx.forget_inferred()
    return ctx


def test_each_call_form_lines_arguments_up_with_parameters():
    ev = _evidence(SOURCE, _file_context(SOURCE))
    assert ev["Box.__init__.width"].type == "int | None"  # Box(label, width=10) and cls(name, 4)
    assert ev["Box.__init__.width"].rule == "callsite_none"
    assert ev["Box.render.pad"].type == "int"  # b.render(None, 2): a receiver of a known class
    assert ev["Box.draw.scale"].type == "float"  # self.draw(pad, 3.5)
    assert ev["Box.make.name"].type == "str"  # Box.make("y"): a classmethod through its class
    assert ev["Box.helper.a"].type == "str"  # a staticmethod: no implicit first parameter
    assert ev["Box.helper.b"].type == "list[int] | None"
    assert ev["Box.make.name"].words == "passed str at 1 call"


def test_unknown_arguments_are_counted_and_none_alone_is_no_evidence():
    ev = _evidence(SOURCE, _file_context(SOURCE))
    assert ev["make_box.label"].type == "str" and ev["make_box.label"].rule == "callsite_some"
    assert "1 unknown" in ev["make_box.label"].words
    assert ev["Box.render.console"].type is None  # only None was passed: says nothing
    assert ev["Box.draw.pad"].type is None  # passed on from a parameter nobody knows
    assert ev["Box.__init__.title"].type is None  # Box(label): label's type is not known where it is passed
    assert ev["make_box.rest"].type is None  # *args are never matched


def test_calls_that_pass_different_types_make_a_rule_of_their_own():
    src = "def scale(x):\n    pass\n\n\nscale(1)\nscale('a')\n"
    ev = _evidence(src, _file_context(src))["scale.x"]
    assert (ev.type, ev.rule) == ("int | str", "callsite_mixed")  # half of such unions were right


GUARDED = """\
import re

WORD = re.compile("[a-z]+")


def first(m):
    return m


def second(m):
    return m


def third(m):
    return m


def read(text):
    m = WORD.match(text)
    if m:
        first(m)
    if m is None:
        return None
    second(m)


def maybe(text):
    m = WORD.match(text)
    third(m)
"""


def test_a_name_tested_around_the_call_is_passed_without_none():
    ev = _evidence(GUARDED, _file_context(GUARDED))
    assert ev["first.m"].type == "Match[str]"  # `if m: first(m)`
    assert ev["second.m"].type == "Match[str]"  # after `if m is None: return`
    assert ev["third.m"].type == "Match[str] | None"  # untested


def test_without_a_table_there_is_no_call_site_evidence():
    ctx = FileContext(ast.parse(SOURCE), "m")
    assert all(not e.rule.startswith("callsite") for e in _evidence(SOURCE, ctx).values())


def test_the_workspace_table_follows_imports_across_files(tmp_path: Path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "shapes.py").write_text("class Shape:\n    def __init__(self, name, sides):\n        self.name = name\n\n"
                                   "def area(shape, scale):\n    return 0\n")
    (pkg / "use.py").write_text("from .shapes import Shape, area\nfrom . import shapes\n\n"
                                "def main():\n    s = Shape('square', 4)\n    area(s, 2.0)\n    shapes.area(s, 3)\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    text = (pkg / "shapes.py").read_text()
    ctx = FileContext(ast.parse(text), "pkg.shapes", index)
    ev = _evidence(text, ctx)
    assert ev["Shape.__init__.name"].type == "str" and ev["Shape.__init__.sides"].type == "int"
    assert ev["area.shape"].type == "Shape"
    assert ev["area.scale"].type == "float" and ev["area.scale"].words == "passed float at 2 calls"


def test_what_calls_pass_reaches_return_inference():
    source = "def shout(word):\n    return word\n\n\nshout('hi')\nshout('yo')\n"
    ctx = _file_context(source)
    returns = {s.qualname: evidence_for(s, ctx) for s in find_slots(ctx.tree, source) if s.kind == "return"}
    assert returns["shout"].type == "str"


def test_the_index_knows_what_types_each_parameter_name_has_across_the_workspace(tmp_path: Path):
    (tmp_path / "a.py").write_text("class Session:\n    pass\n\n\n"
                                   "def fetch(url, session: Session, timeout=5.0, retries: int = 3):\n    pass\n")
    (tmp_path / "b.py").write_text("class Client:\n    def get(self, url, timeout):\n        pass\n\n"
                                   "    def put(self, url, timeout, retries, session):\n        pass\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    assert index.peers["timeout"] == {("float", "default_literal")}  # a default in one file
    assert index.peers["retries"] == {("int", "annotation")}
    assert "url" not in index.peers and "self" not in index.peers
    text = (tmp_path / "b.py").read_text()
    from pulsedev.models.types.features import add_peer_features, slot_features

    ctx = FileContext(ast.parse(text), "b", index)
    slots = [s for s in find_slots(ctx.tree, text) if s.kind == "parameter"]
    evs = [evidence_for(s, ctx) for s in slots]
    feats = [slot_features(s, e) for s, e in zip(slots, evs)]
    peered = add_peer_features(slots, evs, feats, index.peers)
    by_name = {(s.qualname, s.name): f for s, f in zip(slots, feats)}
    assert by_name[("Client.get", "timeout")].get("p:peer=float") == 1.0
    assert by_name[("Client.put", "retries")].get("p:peer=int") == 1.0
    assert by_name[("Client.put", "retries")].get("p:peer_rule=annotation") == 1.0
    assert by_name[("Client.get", "timeout")].get("p:peer_rule=default_literal") == 1.0
    assert not any(k.startswith("p:peer=") for k in by_name[("Client.get", "url")])
    # A parameter with no evidence of its own takes its peers' class as the model's candidate.
    ev = {(s.qualname, s.name): e for s, e in zip(slots, peered)}
    assert ev[("Client.put", "session")].type == "Session" and ev[("Client.put", "session")].rule == "peer"
    assert ev[("Client.put", "session")].words == "other parameters named `session` in the workspace are Session"
    assert by_name[("Client.put", "session")].get("p:rule=peer") == 1.0
    assert by_name[("Client.put", "session")].get("p:st=Session") == 1.0
    # A builtin is left to the model (a feature only), and so is a name without peers.
    assert ev[("Client.put", "retries")].type is None and ev[("Client.get", "url")].type is None


def _peered(source: str):
    """The parameter slots of a file, their evidence and their features with the peers' added."""
    from pulsedev.models.types.features import add_peer_features, slot_features

    ctx = _file_context(source)
    slots = [s for s in find_slots(ctx.tree, source) if s.kind == "parameter"]
    evs = [evidence_for(s, ctx) for s in slots]
    feats = [slot_features(s, e) for s, e in zip(slots, evs)]
    add_peer_features(slots, evs, feats)
    return slots, evs, feats


def test_star_parameters_are_peers_of_their_own_kind_only():
    source = ("def pack(args=(1, 2), kwargs={'a': 1}):\n    pass\n\n\n"
              "def call(*args, **kwargs):\n    pass\n\n\ndef again(args):\n    pass\n")
    slots, _, feats = _peered(source)
    by_name = {(s.qualname, s.name): f for s, f in zip(slots, feats)}
    assert by_name[("again", "args")].get("p:peer=tuple[int, int]") == 1.0
    assert "p:peer=tuple[int, int]" not in by_name[("call", "args")]
    assert "p:peer=dict[str, int]" not in by_name[("call", "kwargs")]


def test_a_class_named_by_a_parameter_that_a_namesake_reads_as_that_class_is_a_peer_fit():
    source = ("class Frame:\n    def __init__(self):\n        self.depth = 0\n\n\n"
              "def enter(frame):\n    return frame.depth\n\n\ndef visit(node, frame):\n    enter(frame)\n\n\n"
              "def other(stack):\n    pass\n")
    by_name = {(s.qualname, s.name): (e, f) for s, e, f in zip(*_peered(source))}
    assert by_name[("enter", "frame")][0].fit == "found" and "p:peer_fit" not in by_name[("enter", "frame")][1]
    ev, f = by_name[("visit", "frame")]
    assert (ev.type, ev.fit, f.get("p:peer_fit")) == ("Frame", None, 1.0)  # read nothing, its namesake did


def test_a_parameter_passed_on_takes_what_its_own_callers_pass(tmp_path: Path):
    (tmp_path / "a.py").write_text("def outer(n):\n    inner(n)\n\n\ndef inner(k):\n    pass\n\n\nouter(3)\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    text = (tmp_path / "a.py").read_text()
    ev = _evidence(text, FileContext(ast.parse(text), "a", index))
    assert ev["outer.n"].type == "int"
    assert ev["inner.k"].type == "int" and ev["inner.k"].words == "passed int at 1 call"


def test_a_parameter_a_sure_rule_types_passes_that_type_on():
    source = ('def show(console, count):\n    """Show it.\n\n    Args:\n        console (str): where to.\n    """\n'
              '    draw(console, count)\n    return console\n\n\ndef draw(target, n):\n    pass\n')
    ctx = _file_context(source)
    ev = _evidence(source, ctx)
    assert (ev["draw.target"].type, ev["draw.target"].rule) == ("str", "callsite")  # the docstring's type, passed
    assert ev["draw.n"].type is None  # `count` says nothing of itself
    ret = next(s for s in find_slots(ctx.tree, source) if s.kind == "return" and s.qualname == "show")
    assert evidence_for(ret, ctx).type == "str"


def test_how_callers_use_a_result_and_how_a_def_uses_what_it_returns_are_features_of_its_return(tmp_path: Path):
    (tmp_path / "a.py").write_text(
        "def ready(job):\n    return job.state\n\n\n"
        "def label(job):\n    return job.name\n\n\n"
        "def window(conn):\n    flow = conn.window\n    min(flow, 10)\n    return flow\n")
    (tmp_path / "b.py").write_text(
        "from a import label, ready\n\n\n"
        "def run(job):\n    if ready(job):\n        text = label(job)\n        return text.encode()\n    ready(job)\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    text = (tmp_path / "a.py").read_text()
    from pulsedev.models.types.features import (
        add_caller_features,
        parents,
        slot_features,
    )

    ctx = FileContext(ast.parse(text), "a", index)
    slots = [s for s in find_slots(ctx.tree, text) if s.kind == "return"]
    feats = [slot_features(s, evidence_for(s, ctx), parents(s.func)) for s in slots]
    add_caller_features(slots, feats, ctx)
    by_def = {s.qualname: f for s, f in zip(slots, feats)}
    assert {"r:cu=truth", "r:cu=discarded"} <= set(by_def["ready"])  # `if ready(job):`, `ready(job)`
    assert "r:cu=meth=encode" in by_def["label"]  # `text = label(job)`, then `text.encode()`
    assert not any(k.startswith("r:cu=") for k in by_def["window"])  # nobody calls it
    assert "r:nu=arg_of=min" in by_def["window"]  # `min(flow, 10)` before `return flow`


def test_a_parameter_named_like_a_field_the_workspace_declares_takes_its_type(tmp_path: Path):
    (tmp_path / "config.py").write_text("from typing import TypedDict\n\n\nclass Config(TypedDict, total=False):\n"
                                        "    case_sensitive: bool\n    prefix: str\n\n\n"
                                        "class Other:\n    prefix: bytes\n")
    (tmp_path / "source.py").write_text("class Source:\n    def __init__(self, case_sensitive=None, prefix=None):\n"
                                        "        self.case_sensitive = case_sensitive\n"
                                        "        self.prefix = prefix\n\n\n"
                                        "def load(case_sensitive):\n    return case_sensitive\n\n\n"
                                        "class Settings:\n    case_sensitive: bool\n\n"
                                        "    def replace(self, case_sensitive):\n        return case_sensitive\n")
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    assert index.fields["case_sensitive"] == {"bool"} and index.fields["prefix"] == {"str", "bytes"}
    text = (tmp_path / "source.py").read_text()
    ctx = FileContext(ast.parse(text), "source", index)
    ev = _evidence(text, ctx)
    assert (ev["Source.__init__.case_sensitive"].type, ev["Source.__init__.case_sensitive"].rule) == \
        ("bool | None", "field_named")
    assert ev["load.case_sensitive"].type == "bool"
    assert "declared bool" in ev["load.case_sensitive"].words
    assert ev["Source.__init__.prefix"].type is None  # declared two ways: no telling which
    own = ev["Settings.replace.case_sensitive"]  # its own class declares it: a rule of its own, surer
    assert (own.type, own.rule) == ("bool", "field_named_own")


def test_a_parameter_that_defaults_to_none_and_is_passed_on_untested_passes_none():
    source = ('''
class Env:
    def parse(self, source, name=None, filename=None):
        if filename:
            filename = str(filename)
        return self._parse(source, name, filename)

    def _parse(self, source, name, filename):
        pass

    def lex(self, source, name=None):
        self._scan(name)
        return self._parse(source, name, "lex.py")

    def _scan(self, name):
        pass

    def scan_all(self):
        self._scan("all")
''')
    ctx = _file_context(source)
    ev = _evidence(source, ctx)
    # `name` goes on as it came, so `_parse` is passed None; `filename` is tested first, so it says nothing
    assert ev["Env._parse.filename"].type == "str"
    assert ev["Env._parse.name"].type is None  # None alone still says nothing of the rest of its type
    assert ev["Env._scan.name"].type == "str | None"  # "all" at one call, maybe None at the other
    from pulsedev.models.types.features import add_caller_features, parents, slot_features

    slots = [s for s in find_slots(ctx.tree, source) if s.kind == "parameter"]
    feats = [slot_features(s, evidence_for(s, ctx), parents(s.func)) for s in slots]
    add_caller_features(slots, feats, ctx)
    flagged = {f"{s.qualname}.{s.name}" for s, f in zip(slots, feats) if "p:passed_none" in f}
    assert flagged == {"Env._parse.name", "Env._scan.name"}


def test_what_callers_pass_as_any_says_nothing_of_a_parameter_defaulting_to_none():
    source = ("from typing import Any\n\n\ndef show(value=None, count=None):\n    pass\n\n\n"
              "def run(item: Any, n: Any):\n    show(item)\n    show(count=n)\n\n\n"
              "def walk(n: Any):\n    show(count=n)\n")
    ev = _evidence(source, _file_context(source))
    assert not ev["show.value"].rule.startswith("callsite")
    assert not ev["show.count"].rule.startswith("callsite")
    source = source.replace("=None", "")  # without a default, a caller's Any is what it is
    assert _evidence(source, _file_context(source))["show.value"].type == "Any"
