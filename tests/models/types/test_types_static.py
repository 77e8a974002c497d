"""Slots, type text, static evidence and stripping: the pure analysis layer of type hints."""

from __future__ import annotations

import ast

import pytest
from type_helpers import evidence_at, index_of

from pulsedev.models.types.index import WorkspaceIndex
from pulsedev.models.types.slots import find_slots
from pulsedev.models.types.static import FileContext, evidence_for, is_obvious
from pulsedev.models.types.strip import strip_source
from pulsedev.models.types.typetext import canonical, normalize


@pytest.mark.parametrize("text, expected", [
    ("Optional[List[int]]", "list[int] | None"),
    ("typing.Dict[str, typing.Any]", "dict[str, Any]"),
    ("Union[int, None, str]", "int | str | None"),
    ("'pathlib.Path'", "Path"),
    ("Tuple[int, ...]", "tuple[int, ...]"),
    ("Annotated[int, 'meta']", "int"),
    ("ClassVar[Set[str]]", "set[str]"),
    ("Callable[[int], str]", "Callable[[int], str]"),
    ("Literal['a', 'b']", None),
    ("Final", None),
    ("not a type (", None),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_canonical_ignores_union_order():
    assert canonical("None | str | int") == canonical("Union[int, Optional[str]]")
    assert canonical("dict[str, int | None]") == canonical("Dict[str, Optional[int]]")


def _slots(src):
    return {(s.kind, s.qualname, s.name): s for s in find_slots(ast.parse(src), src)}


def test_slot_positions_are_utf16_and_skip_self_cls_and_annotated():
    src = ('x = "é🐍"; y = compute()\n'
           "class A:\n"
           "    def m(self, é_name, b: int, *args, **kw):\n"
           "        pass\n"
           "    @classmethod\n"
           "    def c(cls, v): ...\n"
           "    @staticmethod\n"
           "    def s(first): ...\n")
    slots = _slots(src)
    assert ("parameter", "A.m", "self") not in slots and ("parameter", "A.c", "cls") not in slots
    assert ("parameter", "A.m", "b") not in slots
    assert ("parameter", "A.s", "first") in slots  # a staticmethod's first parameter is a real one
    name = slots[("parameter", "A.m", "é_name")]
    assert (name.line, name.character) == (2, 22)
    y = slots[("variable", "<module>", "y")]
    assert (y.line, y.character) == (0, 12)  # é is one UTF-16 unit, 🐍 two
    assert {k[2] for k in slots if k[1] == "A.m"} == {"é_name", "args", "kw", "return"}


def test_return_position_after_multiline_params_with_parens_in_strings():
    src = 'def f(\n    a=")",  # (\n    b=(1, 2),\n):\n    return a\n'
    ret = _slots(src)[("return", "f", "return")]
    assert (ret.line, ret.character) == (3, 1)


def test_positions_below_a_form_feed_are_on_the_parsers_line():
    """A form feed ends no line for the parser or LSP (`str.splitlines` breaks there)."""
    src = 'x = "é"\n\x0c\ndef f(a="é",\n      b=1):\n    return a\n'
    slots = _slots(src)
    assert (slots[("return", "f", "return")].line, slots[("return", "f", "return")].character) == (3, 10)
    assert (slots[("parameter", "f", "b")].line, slots[("parameter", "f", "b")].character) == (3, 7)
    text, truth = strip_source(src.replace("b=1", "b: int = 1").replace("):", ") -> str:"))
    assert text == src.replace("b=1", "b = 1") and truth[("return", "f", "return")] == "str"


def test_only_the_first_assignment_of_a_name_is_a_slot():
    src = "def f():\n    n = g()\n    n = h()\n    self_x = 1\n"
    assert [s.line for s in find_slots(ast.parse(src), src) if s.name == "n"] == [1]


def _evidence(src, kind, qual, name, index=None, module=""):
    tree = ast.parse(src)
    ctx = FileContext(tree, module, index)
    slot = next(s for s in find_slots(tree, src) if s.key == (kind, qual, name))
    return evidence_for(slot, ctx)


@pytest.mark.parametrize("src, expected", [
    ("def f(a):\n    print(a)\n", "None"),
    ("def f(a):\n    '''Doc.'''\n    ...\n", None),  # a stub says nothing
    ("def f(a):\n    raise NotImplementedError\n", None),
    ("def f(a):\n    yield a\n", None),
    ("def f(a):\n    return a > 1\n", "bool"),
    ("def f(a):\n    if a:\n        return 'x'\n    return None\n", "str | None"),
    ("def f(a):\n    out = []\n    for i in a:\n        out.append(str(i))\n    return out\n", "list[str]"),
    ("def f(a):\n    return len(a) / 2\n", "float"),
    ("def f(a):\n    return {k: 1 for k in 'ab'}\n", "dict[str, int]"),
    ("def f(a):\n    return a.x\n", None),
    ("import os\ndef f(a):\n    return os.path.join(a, 'b')\n", "str"),
    ("def g():\n    return 1\ndef f(a):\n    return g() + 2\n", "int"),
    ("async def g():\n    return 1\ndef f(a):\n    return g()\n", None),  # a coroutine, not an int
    ("from typing import cast\ndef f(a):\n    return cast(int, a)\n", "int"),  # what a cast says
    ("import typing\ndef f(a):\n    return typing.cast('Optional[Path]', a)\n", "Path | None"),
    ("def cast(t, v):\n    return v\ndef f(a):\n    return cast(int, a)\n", None),  # not typing's
    ("def f(a):\n    xs = [1, 2]\n    return xs[a]\n", "int"),  # an element of a known container
    ("def f(a):\n    d = {'a': 1.5}\n    return d[a]\n", "float"),
    ("def f(a):\n    s = 'abc'\n    return s[a:]\n", "str"),
    ("def f(a):\n    b = b'ab'\n    return b[a]\n", "int"),
    ("def f(a):\n    xs = [1, 2]\n    return xs[1:a]\n", "list[int]"),
    ("def f(a):\n    t = (1, 'a')\n    return t[1]\n", "str"),  # a fixed-length tuple by a constant index
    ("def f(a):\n    t = (1, 'a')\n    return t[a]\n", None),
    ("def f(a):\n    if a:\n        return None, None\n    return a.x, a.y\n", None),  # the known part says least
    ("def f(a):\n    if a:\n        return None, 1\n    return a.x, 2\n", "tuple[None, int]"),  # (a partial)
    ("def f(a):\n    def gen():\n        yield 1\n    for x in gen():\n        print(x)\n", "None"),  # not a generator:
    ("def f(a):\n    def key(x):\n        return 'k'\n    a.sort(key=key)\n", "None"),  # its nested defs are
])
def test_return_evidence(src, expected):
    assert _evidence(src, "return", "f", "return").type == expected


def test_dunder_and_parameter_defaults():
    src = ("class A:\n    def __repr__(self):\n        return g()\n"
           "    def m(self, n=0, s='a', flag=False, o=None):\n        pass\n")
    assert _evidence(src, "return", "A.__repr__", "return").type == "str"
    assert _evidence(src, "parameter", "A.m", "n").words == "default is 0"
    assert [_evidence(src, "parameter", "A.m", p).type for p in ("n", "s", "flag", "o")] == ["int", "str", "bool", None]


def test_returns_across_workspace_files():
    index = WorkspaceIndex(None)
    shapes = "class W:\n    pass\n\ndef make(n):\n    return W()\n"
    index.update("pkg.shapes", ast.parse(shapes))
    src = "from .shapes import make\n\ndef build():\n    return make(3)\n"
    ev = _evidence(src, "return", "build", "return", index, "pkg.user")
    assert ev.type == "W" and ev.rule == "ret_call"
    ev = _evidence(shapes, "return", "make", "return", index, "pkg.shapes")
    assert (ev.type, ev.rule) == ("W", "ret_new")  # a constructor: as often declared as a base (75%, not 90%)


def test_a_class_a_package_re_exports_is_followed_to_its_module():
    """`from . import datastructures as ds` then `ds.ETags()`, where the package's `__init__` imports
    `ETags` from a submodule; and the `__init__`'s own relative imports start from the package."""
    index = WorkspaceIndex(None)
    index.update("pkg.ds.etag", ast.parse("class ETags:\n    pass\n\ndef etags():\n    return ETags()\n"))
    index.update("pkg.ds", ast.parse("from .etag import ETags, etags as make_etags\n"))
    src = "from . import ds\n\ndef parse():\n    return ds.ETags()\n\ndef made():\n    return ds.make_etags()\n"
    assert _evidence(src, "return", "parse", "return", index, "pkg.http").type == "ETags"
    assert _evidence(src, "return", "made", "return", index, "pkg.http").type == "ETags"
    assert index.is_class("pkg.ds.ETags") and not index.is_class("pkg.ds.make_etags")
    init = "from .etag import etags\n\ndef default():\n    return etags()\n"  # pkg/ds/__init__.py itself
    assert _evidence(init, "return", "default", "return", index, "pkg.ds").type == "ETags"


def test_the_index_forgets_the_packages_and_classes_of_a_module_deleted_or_rewritten():
    index = WorkspaceIndex(None)
    index.update("pkg.ds.etag", ast.parse("class ETags:\n    pass\n\nclass Old:\n    pass\n"))
    index.update("pkg.ds", ast.parse("from .etag import ETags\n"))
    assert "pkg.ds" in index.packages and index.classes["Old"] == "pkg.ds.etag"
    index.update("pkg.ds.etag", ast.parse("class ETags:\n    pass\n"))  # a save that drops `Old`
    assert "Old" not in index.classes and index.classes["ETags"] == "pkg.ds.etag"
    assert index.remove("pkg.ds.etag")
    assert "pkg.ds" not in index.packages and "ETags" not in index.classes  # `pkg/ds/` has no submodule left
    assert "pkg" in index.packages  # (`pkg.ds` is still a module of `pkg`)


def test_strip_source_keeps_code_valid_and_returns_truths():
    src = ("from typing import Optional\n"
           "def f(a: int, b: Optional[str] = None, *args: 'float') -> list[int]:\n"
           "    x: dict[str, int] = {}\n"
           "    y: int\n"
           "    return [a]\n")
    text, truth = strip_source(src)
    ast.parse(text)
    assert "def f(a, b = None, *args):" in text and "x = {}" in text and "y: int" in text
    assert truth[("parameter", "f", "b")] == "str | None"
    assert truth[("parameter", "f", "args")] == "float"
    assert truth[("return", "f", "return")] == "list[int]"
    assert truth[("variable", "f", "x")] == "dict[str, int]"


def test_strip_source_removes_parenthesised_annotations():
    src = "def f(\n    a: (\n        int | None\n    ) = None,\n) -> (\n    str\n):\n    return ''\n"
    text, truth = strip_source(src)
    ast.parse(text)
    assert truth[("parameter", "f", "a")] == "int | None" and truth[("return", "f", "return")] == "str"


def test_strip_source_ignores_parentheses_inside_an_annotations_strings():
    src = ('def f(\n    a: Annotated[str, Doc("a name (see the docs")] = "x",\n    b: int = 0,\n) -> int:\n'
           '    return b\n\n\ndef g(c: int):\n    return c\n')
    text, truth = strip_source(src)
    assert text == 'def f(\n    a = "x",\n    b = 0,\n):\n    return b\n\n\ndef g(c):\n    return c\n'
    assert truth[("parameter", "g", "c")] == "int"


def test_data_model_parameter_conventions():
    src = ("class C:\n    def __exit__(self, et, ev, tb):\n        pass\n"
           "    async def __aexit__(self, *exc):\n        pass\n"
           "    def __getattr__(self, name):\n        return 1\n"
           "    def __eq__(self, other):\n        return True\n"
           "def __getattr__(name):\n    return 1\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))

    def ev(qual, name):
        return evidence_for(slots[("parameter", qual, name)], ctx)

    assert [ev("C.__exit__", n).type for n in ("et", "ev", "tb")] == [
        "type[BaseException] | None", "BaseException | None", "TracebackType | None"]
    assert ev("C.__exit__", "tb").rule == "dunder_param"
    assert ev("C.__aexit__", "exc").type is None  # *exc is not the convention's positional triple
    assert ev("C.__getattr__", "name").type == "str"
    assert ev("C.__eq__", "other").rule != "dunder_param"  # object vs Any vs the class: left to the model
    assert ev("__getattr__", "name").rule != "dunder_param"  # module-level __getattr__: not a method


def test_a_convention_keeps_its_prior_unless_the_model_is_surer_of_another_type():
    from pulsedev.models.types.combine import combine
    from pulsedev.models.types.evidence import Evidence

    conv = Evidence("TracebackType | None", "dunder_param", "`__exit__` takes TracebackType | None here")
    assert combine(conv, ("Any", 0.3), kind="parameter").type == "TracebackType | None"
    assert combine(conv, ("Any", 0.3), kind="parameter").confidence == 0.9
    assert combine(conv, ("TracebackType | None", 0.97), kind="parameter").confidence == 0.97
    assert combine(conv, ("Any", 0.7), kind="parameter").type == "TracebackType | None"  # less sure than 0.9
    assert combine(conv, ("Any", 0.95), kind="parameter").type == "Any"
    named = Evidence("ssl.SSLContext | None", "name_class_module_none", "named like the class `ssl.SSLContext`")
    assert (combine(named, ("ssl.SSLContext | None", 0.6), kind="parameter").confidence,
            combine(named, ("str | None", 0.8), kind="parameter").type) == (0.85, "ssl.SSLContext | None")
    args = Evidence("Any", "args_any", "`*args` beside `**kwargs` are by convention Any")
    assert combine(args, ("Any", 0.5), kind="parameter").confidence == 0.85


def test_async_no_return_shares_the_noreturn_rule_feature():
    from pulsedev.models.types.features import slot_features

    src = "async def f(x):\n    print(x)\n"
    slot = _slots(src)[("return", "f", "return")]
    ev = evidence_for(slot, FileContext(ast.parse(src)))
    feats = slot_features(slot, ev)
    assert (ev.type, ev.rule) == ("None", "noreturn_async")
    assert "r:rule=noreturn_async" in feats and "r:rule=noreturn" in feats


def test_a_parameter_named_after_a_type_alias_gets_the_alias():
    src = ("from typing import Union\nfrom .cookies import CookieTypes\n"
           "class Style: pass\n"
           "StyleType = Union[str, Style]\n"
           "Unrelated = 3\n"
           "def render(style, cookies=None, unrelated=None, styles=None):\n    pass\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.render")

    def ev(name):
        return evidence_for(slots[("parameter", "render", name)], ctx)

    assert (ev("style").type, ev("style").rule) == ("StyleType", "name_alias")
    assert (ev("cookies").type, ev("cookies").rule) == ("CookieTypes | None", "name_alias_none")
    assert ev("unrelated").rule == "default_none"  # a plain constant is no alias
    assert ev("styles").type == "StyleType | None"  # a plural names the same alias


def test_a_class_of_the_name_wins_over_a_librarys_name_that_only_ends_like_an_alias():
    src = ("from python_socks import ProxyType\nfrom .proxy import Proxy\n"
           "class Style: pass\nStyleType = Style | str\n"
           "def connect(proxy, style):\n    return proxy.host, style\n")
    proxy, style = (evidence_at(src, "parameter", name, "connect", "pkg.client") for name in ("proxy", "style"))
    assert proxy.type == "Proxy"  # python_socks's ProxyType is an enum, not an alias of Proxy
    assert (style.type, style.rule) == ("StyleType", "name_alias")  # the file's own alias stays


def test_parameter_names_match_classes_by_abbreviation_tail_and_words_in_order():
    src = ("class HTTPConnection: pass\nclass Scope: pass\nclass RetryCallState: pass\n"
           "class Event: pass\nclass DropEvent: pass\n"
           "def f(conn, parent_scope, retry_state, event, thing):\n    pass\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))

    def ev(name):
        e = evidence_for(slots[("parameter", "f", name)], ctx)
        return e.type, e.rule

    assert ev("conn") == ("HTTPConnection", "name_class_suffix")  # conn -> connection
    assert ev("parent_scope") == ("Scope", "name_class_tail")
    assert ev("retry_state") == ("RetryCallState", "name_class_contains")
    assert ev("event") == ("Event", "name_class_exact")  # exact wins over DropEvent's suffix
    assert ev("thing")[0] is None


def test_a_name_for_a_class_the_workspace_derives_from_is_a_rule_of_its_own():
    src = "class Event: pass\nclass Frame: pass\nclass DataFrame(Frame): pass\ndef f(event, frame):\n    pass\n"
    index = WorkspaceIndex(None)
    index.update("pkg.m", ast.parse(src))
    assert _evidence(src, "parameter", "f", "event", index, "pkg.m").rule == "name_class_exact"
    ev = _evidence(src, "parameter", "f", "frame", index, "pkg.m")  # as often a DataFrame: 65% right, not 84%
    assert (ev.type, ev.rule) == ("Frame", "name_class_exact_base")


@pytest.mark.parametrize("classes, expected", [
    ("from _typeshed.wsgi import WSGIEnvironment\nclass ExcInfo: pass\n", "WSGIEnvironment"),  # environ -> environment
    ("class Environ: pass\nclass WSGIEnvironment: pass\n", "Environ"),  # a class named as spelled comes first
])
def test_an_abbreviation_matches_as_spelled_out_and_as_written(classes, expected):
    src = classes + "def app(environ, exc_info):\n    pass\n"
    assert _evidence(src, "parameter", "app", "environ").type == expected
    if "ExcInfo" in classes:  # `exc_info` -> `ExcInfo`, though `exc` spells out `exception`
        assert _evidence(src, "parameter", "app", "exc_info").type == "ExcInfo"


def test_a_name_matches_a_class_of_an_imported_stdlib_module_last_exactly_and_by_more_than_one_word():
    src = ("import ssl as ssl_module\nimport ast\nimport logging\nfrom .log import WrappedLogger\n"
           "def f(socket_ssl, name, logger, tar_info, ssl_context=None):\n    pass\n")

    def ev(name, src=src):
        e = _evidence(src, "parameter", "f", name, module="pkg.mod")
        return e.type, e.rule

    assert ev("ssl_context") == ("ssl_module.SSLContext | None", "name_class_module_none")  # as the file names it
    assert ev("socket_ssl")[0] is None  # the words in the class's order only
    assert ev("name")[0] is None  # one word: not `ast.Name`
    assert ev("logger") == ("WrappedLogger", "name_class_suffix")  # one word (`logging.Logger`): not matched
    assert ev("tar_info")[0] is None  # tarfile is not imported
    own = "import ssl\nfrom .tls import PooledSSLContext\ndef f(ssl_context):\n    pass\n"
    assert ev("ssl_context", own) == ("PooledSSLContext", "name_class_suffix")  # the file's own classes first


def test_one_word_names_the_class_its_module_is_named_for():
    src = "import socket\nimport datetime\nimport warnings\ndef f(sock, date, deprecated, timeout):\n    pass\n"
    ev = lambda name: _evidence(src, "parameter", "f", name, module="pkg.mod").type  # noqa: E731
    assert ev("sock") == "socket.socket"  # `sock` spelled out, the class socket is named for
    assert ev("date") is None  # another class in lower case: `datetime.date` may be a `str` here
    assert ev("deprecated") is None  # `warnings.deprecated` is a decorator
    assert ev("timeout") is None  # `socket.timeout` is an exception


def test_parameter_names_match_a_class_by_first_word_its_class_or_a_collection_of_it():
    src = ("from .state_inline import StateInline\nfrom .errors import HostChangedError\n"
           "class Token: pass\nclass BaseSettings: pass\nclass Retry: pass\n"
           "def f(state, host, settings_cls, tokens, items, retries=None):\n"
           "    for t in items:\n        pass\n    return tokens[0], retries.total\n"
           "def g(tokens):\n    for t in tokens:\n        pass\n"
           "def h(tokens):\n    tokens.append(Token())\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.mod")

    def ev(func, name):
        e = evidence_for(slots[("parameter", func, name)], ctx)
        return e.type, e.rule

    assert ev("f", "state") == ("StateInline", "name_class_prefix")
    assert ev("f", "host")[0] is None  # a host is not an error, whatever the class's first word
    assert ev("f", "settings_cls") == ("type[BaseSettings]", "name_class_type")
    # the container follows the use: indexed -> Sequence, looped over -> Iterable, appended to -> list
    assert ev("f", "tokens") == ("Sequence[Token]", "name_class_plural")
    assert ev("g", "tokens") == ("Iterable[Token]", "name_class_plural")
    assert ev("h", "tokens") == ("list[Token]", "name_class_plural")
    assert ev("f", "items")[0] is None  # no class Item
    assert ev("f", "retries")[0] is None  # not used as a collection: may well be one Retry


def test_none_first_then_assigned_one_type_is_optional():
    src = ("class A:\n    def __init__(self):\n        self._n = None\n        self._q = None\n"
           "    def set(self, h):\n        self._n = len(h)\n        self._q = h\n"
           "def f(a):\n    x = None\n    if a:\n        x = 3\n    return x\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))

    def ev(qual, name):
        e = evidence_for(slots[("variable", qual, name)], ctx)
        return e.type, e.rule

    assert ev("A.__init__", "self._n") == ("int | None", "value_none_later")
    assert ev("A.__init__", "self._q")[0] == "None"  # `h` is of unknown type: nothing more is claimed
    assert ev("f", "x") == ("int | None", "value_none_later")


def test_an_empty_list_joined_with_a_str_or_bytes_holds_them():
    src = ("def show(items, sep, glue):\n    parts = []\n    chunks = []\n    other = []\n    mixed = []\n"
           "    for item in items:\n        parts.append(render(item))\n        chunks.append(item.raw)\n"
           "    line = ', '\n    text = line.join(parts)\n    data = b''.join(chunks)\n"
           "    glue.join(other)\n    ' '.join(mixed)\n    b' '.join(mixed)\n    return text, data\n")
    parts, chunks = (evidence_at(src, "variable", name) for name in ("parts", "chunks"))
    assert (parts.type, parts.rule) == ("list[str]", "value_joined")  # the separator's type, however written
    assert (chunks.type, chunks.rule) == ("list[bytes]", "value_joined")
    assert evidence_at(src, "variable", "other").type is None  # joined with what?
    assert evidence_at(src, "variable", "mixed").type is None  # joined with both: no type


@pytest.mark.parametrize("header, own", [
    ("", "Path"),  # a file that does not write `Self` names the class
    ("from typing import Self\n", "Self"),
    ("import typing_extensions as te\n", "Self"),  # there for `te.Self`, more often than not
])
def test_self_and_an_object_of_selfs_own_class_are_written_as_the_file_writes_them(header, own):
    src = (header + "class Path:\n    def parent(self):\n        return type(self)(self._raw)\n"
           "    def copy(self):\n        new = self.__class__(self._raw)\n        return new\n"
           "    def chain(self):\n        return self\n    def __iter__(self):\n        return self\n"
           "    @classmethod\n    def make(cls):\n        return cls()\n")
    tree = ast.parse(src)
    ctx = FileContext(tree)
    got = {s.qualname: evidence_for(s, ctx) for s in find_slots(tree, src) if s.kind == "return"}
    assert {q: e.type for q, e in got.items()} == {
        "Path.parent": own, "Path.copy": own, "Path.chain": own, "Path.make": own,  # (a classmethod's `cls()`)
        "Path.__iter__": "Path"}  # (an iterator returning itself is annotated as the iterator it is)
    assert got["Path.chain"].rule == ("ret_self" if own == "Path" else "ret_self_styled")
    assert got["Path.make"].rule == ("ret_cls" if own == "Path" else "ret_cls_styled")


def test_self_is_the_receivers_class_when_read_from_outside():
    src = ("from typing import Self\nclass Retry:\n    def new(self):\n        return type(self)()\n"
           "    @classmethod\n    def make(cls):\n        return cls()\n"
           "def more(retry: Retry):\n    return retry.new()\ndef made():\n    return Retry.make()\n")
    index = index_of({"pkg.retry": src})

    def returns(qualname):
        return evidence_at(src, "return", "return", qualname, module="pkg.retry", index=index).type

    assert returns("Retry.new") == "Self"
    assert returns("more") == "Retry"  # not `Self` out of its class
    assert returns("made") == "Retry"


@pytest.mark.parametrize("made, expected", [
    ("Queue()", None),  # a `Queue[...]` of what no call says: its bare name is no whole type
    ("WeakKeyDictionary()", None),
    ("timedelta(days=1)", "timedelta"),
    ("Path('.')", "Path"),
])
def test_a_standard_library_class_made_bare_is_its_type_unless_it_is_generic(made, expected):
    src = ("from asyncio import Queue\nfrom datetime import timedelta\nfrom pathlib import Path\n"
           f"from weakref import WeakKeyDictionary\n\n\ndef make():\n    return {made}\n")
    assert _evidence(src, "return", "make", "return").type == expected


def test_a_generic_class_returning_self_is_written_with_its_type_parameters():
    src = ("from typing import Generic, TypeVar\nfrom .types import T_co\nK = TypeVar('K')\nV = TypeVar('V')\n"
           "class Box(Generic[K]):\n    def __enter__(self):\n        return self\n"
           "class Table(dict[K, V]):\n    def chain(self):\n        return self\n"
           "class Stream(Base[T_co]):\n    def chain(self):\n        return self\n"
           "class Words(list[str]):\n    def chain(self):\n        return self\n"
           "class Odd(Generic[K], Base[Unknown]):\n    def chain(self):\n        return self\n")
    got = {q: evidence_at(src, "return", "return", q).type for q in
           ("Box.__enter__", "Table.chain", "Stream.chain", "Words.chain", "Odd.chain")}
    assert got == {"Box.__enter__": "Box[K]", "Table.chain": "Table[K, V]", "Stream.chain": "Stream[T_co]",
                   "Words.chain": "Words", "Odd.chain": "Odd[K]"}


def test_none_first_then_named_like_a_class_is_optional_and_none_is_never_obvious():
    src = ("class Token:\n    pass\n\n\nclass Parser:\n    def __init__(self):\n        self._token = None\n"
           "        self.misc = None\n        self.size = 0\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))
    got = evidence_for(slots[("variable", "Parser.__init__", "self._token")], ctx)
    assert (got.type, got.rule) == ("Token | None", "value_none_named_exact")
    assert got.words == "None here, named like the class `Token`"
    assert evidence_for(slots[("variable", "Parser.__init__", "self.misc")], ctx).type == "None"
    value = {name: slots[("variable", "Parser.__init__", name)].node.value for name in ("self.misc", "self.size")}
    assert not is_obvious(value["self.misc"]) and is_obvious(value["self.size"])


def test_returns_known_at_some_returns_and_methods_of_any_receiver():
    src = ("def f(a, b):\n    if a:\n        return str(a)\n    return b.cached\n"
           "def g(a):\n    return a.encode('utf-8')\n"
           "def h(a):\n    if a:\n        return None\n    return a.cached\n"
           "import codecs\ndef k(a):\n    return codecs.decode(a, 'rot13')\n"
           "def m(a):\n    return a.rstrip('.')\ndef n(a):\n    return a.split(b',')\n"
           "def p(a, sep):\n    return a.split(sep)\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))

    def ev(qual):
        e = evidence_for(slots[("return", qual, "return")], ctx)
        return e.type, e.rule

    assert ev("f") == ("str", "ret_partial")
    assert ev("g") == ("bytes", "ret_call")  # `.encode()` gives bytes, whatever it is called on
    assert ev("h") == (None, "unknown")  # None alone says nothing of the other return
    assert ev("k") == (None, "unknown")  # a module's function is not the method
    assert ev("m") == ("str", "ret_call")  # given a str, only a str's method takes it
    assert ev("n") == ("list[bytes]", "ret_call")
    assert ev("p") == (None, "unknown")  # given nothing telling


def test_a_docstring_says_more_than_the_returns_that_are_known():
    src = ("def f(a, b):\n    \"\"\"Pick.\n\n    Returns:\n        int | str: the pick.\n    \"\"\"\n"
           "    if a:\n        return 1\n    return b.pick()\n")
    tree = ast.parse(src)
    slot = next(s for s in find_slots(tree, src) if s.kind == "return")
    ev = evidence_for(slot, FileContext(tree))
    assert (ev.type, ev.rule) == ("int | str", "unknown_doc")


def test_empty_collections_take_the_type_of_what_is_put_in_them():
    src = ("class A:\n    def __init__(self):\n        self._map = {}\n        self._seen = set()\n"
           "    def add(self, k: str, v: int):\n        self._map[k] = v\n        self._seen.add(k)\n"
           "def f(names: list[str]):\n    d = {}\n    for n in names:\n        d[n] = len(n)\n    return d\n"
           "def g(names: list[str], other):\n    s = set()\n    s.add(other)\n    return s\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src))

    def ev(kind, qual, name):
        return evidence_for(slots[(kind, qual, name)], ctx).type

    assert ev("variable", "A.__init__", "self._map") == "dict[str, int]"  # filled in another method
    assert ev("variable", "A.__init__", "self._seen") == "set[str]"  # `d[k] = v` no longer hides k's type
    assert ev("variable", "f", "d") == "dict[str, int]"
    assert ev("return", "f", "return") == "dict[str, int]"
    assert ev("variable", "g", "s") is None  # an element of unknown type: nothing claimed


@pytest.mark.parametrize("src, expected", [
    ("def f(scheme):\n    url = ''\n    if scheme:\n        url += scheme + '://'\n    return url\n", "str"),
    ("def f(prefix):\n    return prefix + '>'\n", "str"),  # only a str adds to a str
    ("def f(n):\n    total = 0\n    total += n\n    return total\n", None),  # n may be a float
])
def test_augmented_assignments_keep_a_known_type(src, expected):
    assert _evidence(src, "return", "f", "return").type == expected


def test_a_parameter_named_after_an_alias_with_a_literal_default_gets_the_alias():
    src = ("from .style import StyleType\nUSE_DEFAULT = object()\n"
           "def show(style='bold', styles=False, timeout=USE_DEFAULT):\n    pass\n"
           "from .timeouts import TimeoutTypes\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.show")

    def ev(name):
        e = evidence_for(slots[("parameter", "show", name)], ctx)
        return e.type, e.rule

    assert ev("style") == ("StyleType", "name_alias_default")
    assert ev("styles") == ("bool", "default_literal")  # a flag, not the alias
    assert ev("timeout")[1] != "name_alias_default"  # a sentinel default is often its own type in the union


def test_exceptions_are_named_only_by_names_of_errors():
    src = ("from ._exceptions import InvalidURL\nclass DropEvent(RuntimeError): pass\nclass Event: pass\n"
           "def f(url, event, exc, drop_event):\n    pass\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.mod")

    def ev(name):
        return evidence_for(slots[("parameter", "f", name)], ctx).type

    assert ev("url") is None  # InvalidURL comes from an exceptions module
    assert ev("event") == "Event"  # DropEvent is an error by its base
    assert ev("drop_event") == "DropEvent"  # named exactly


def test_a_parameter_is_not_named_after_a_class_whose_bare_name_is_no_whole_type():
    src = ("from typing import Generic, Iterable, TypeVar\nfrom asyncio import Future\n"
           "from contextvars import Context\n"
           "T = TypeVar('T')\nS = TypeVar('S', default=None)\n"
           "class Token(Generic[T]): pass\nclass Request(Generic[S]): pass\nclass Words(list[str]): pass\n"
           "def f(iterable, future, token, request, context, words):\n    pass\n")
    slots = _slots(src)
    ctx = FileContext(ast.parse(src), "pkg.mod")
    got = {n: evidence_for(slots[("parameter", "f", n)], ctx).type
           for n in ("iterable", "future", "token", "request", "context", "words")}
    assert got == {"iterable": None, "future": None, "token": None,  # Iterable[T], Future[T], Token[T]
                   "request": "Request",  # its type parameter has a default: `Request` is whole
                   "context": "Context", "words": "Words"}  # subscripted bases, but no parameters


def test_keyword_arguments_are_any_by_convention():
    from pulsedev.models.types.combine import combine

    ev = _evidence("def f(a, *args, **kwargs):\n    pass\n", "parameter", "f", "kwargs")
    assert (ev.type, ev.rule) == ("Any", "kwargs_any")
    args = _evidence("def f(a, *args, **kwargs):\n    pass\n", "parameter", "f", "args")
    assert (args.type, args.rule) == ("Any", "args_any")  # the pair `*args, **kwargs`
    assert _evidence("def f(a, *names):\n    pass\n", "parameter", "f", "names").type is None  # alone: no convention
    wrapper = ("def deco(func):\n    def inner(*args, **kwargs):\n        return func(*args, **kwargs)\n"
               "    return inner\n")
    assert _evidence(wrapper, "parameter", "deco.inner", "args").type is None  # a wrapper's: the wrapped's P.args
    assert combine(ev, ("object", 0.4), kind="parameter").confidence == 0.85  # the model is unsure
    assert combine(ev, ("object", 0.8), kind="parameter").type == "Any"  # less sure than the convention
    assert combine(ev, ("str", 0.9), kind="parameter").type == "str"  # surer of something else


def test_what_the_docstring_states_is_evidence_when_the_code_does_not_tell():
    src = ('from .text import JustifyMethod\nfrom .style import Style\n'
           'def show(console, width=None, justify="left", advance=1, style="none", when=None, what=0):\n'
           '    """Show it.\n\n    Args:\n        console (Console): where to.\n'
           '        width (int, optional): how wide.\n'
           '        justify (JustifyMethod): how.\n        advance (float): by how much.\n'
           '        style (str or Style): how it looks.\n        when (callable): prose, not a type.\n'
           '        what (str): not what the default is.\n    """\n\n'
           'def size():\n    """Returns:\n        int: the size.\n    """\n    raise NotImplementedError\n\n'
           'def area():\n    """The area.\n\n    :rtype: float\n    """\n    return compute()\n')

    def ev(kind, func, name):
        e = _evidence(src, kind, func, name, module="pkg.show")
        return e.type, e.rule

    assert ev("parameter", "show", "console") == (None, "nodefault")  # Console is not a name the file can see
    assert ev("parameter", "show", "width") == ("int | None", "doc_none")
    assert ev("parameter", "show", "justify") == ("JustifyMethod", "doc_default")  # an alias takes a str default
    assert ev("parameter", "show", "advance") == ("float", "doc_default")  # a float takes an int default
    assert ev("parameter", "show", "style") == ("str | Style", "doc_default")
    assert ev("parameter", "show", "when") == (None, "default_none")  # prose
    assert ev("parameter", "show", "what") == ("int", "default_literal")  # the docstring does not admit the default
    assert ev("return", "size", "return") == ("int", "stub_doc")  # an abstract def
    assert ev("return", "area", "return") == ("float", "unknown_doc")



BOX = '''
class Box:
    def __init__(self, size=3):
        self.size = size

    def area(self, scale=1.5):
        return self.size * scale

    @property
    def name(self):
        return "box"

    async def fetch(self):
        return 1

    @classmethod
    def create(cls):
        return cls()
'''
SHELF = '''
from .shapes import Box


class Crate:
    def volume(self):
        return 1.0


class Shelf:
    def __init__(self):
        self.box = Box()

    def total(self):
        return self.box.area()

    def label(self):
        return self.box.name

    def width(self):
        b = Box(4)
        return b.size

    def late(self):
        return self.box.fetch()

    def called(self):
        return self.box.name()

    def local(self):
        return Crate().volume()

    def made(self):
        return Box.create()
'''


@pytest.mark.parametrize("qual, expected", [
    ("Shelf.total", "float"),  # a method of the receiver's class (which knows its own `self.size`)
    ("Shelf.label", "str"),  # a property
    ("Shelf.width", "int"),  # an attribute its `__init__` sets
    ("Shelf.late", None),  # a coroutine, not its return
    ("Shelf.called", None),  # a property is not called
    ("Shelf.local", "float"),  # a class of the file itself, as last saved
    ("Shelf.made", "Box"),  # a class's own method, called on the class
])
def test_members_of_a_receiver_of_a_workspace_class(qual, expected):
    index = WorkspaceIndex(None)
    index.update("pkg.shapes", ast.parse(BOX))
    index.update("pkg.user", ast.parse(SHELF))
    assert _evidence(SHELF, "return", qual, "return", index, "pkg.user").type == expected


def test_members_of_a_class_of_the_file_are_read_as_last_saved():
    index = WorkspaceIndex(None)
    index.update("pkg.shapes", ast.parse(BOX))
    index.update("pkg.user", ast.parse(SHELF))
    unsaved = SHELF.replace("return 1.0", "return 'litres'")
    assert _evidence(unsaved, "return", "Shelf.local", "return", index, "pkg.user").type == "float"
    assert index.replace("pkg.user", unsaved)  # saved
    assert _evidence(unsaved, "return", "Shelf.local", "return", index, "pkg.user").type == "str"


@pytest.mark.parametrize("body, expected", [
    ("    if timeout is None:\n        timeout = 5.0\n    return timeout\n", "float | None"),
    ("    name = name or 'anon'\n    return name\n", "str | None"),
    ("    items = [] if items is None else items\n    return items\n", None),  # `[]` says no element type
    ("    if not timeout:\n        timeout = compute()\n", None),  # what compute returns is unknown
    ("    print(timeout)\n    if timeout is None:\n        timeout = 5\n", "int | None"),
    ("    self.timeout = timeout if timeout is not None else 5.0\n", "float | None"),  # stored elsewhere
    ("    self.name = name or 'anon'\n", "str | None"),
    ("    t = timeout if timeout is not None else config.get('timeout', 3)\n", "int | None"),  # get's default
    ("    t = timeout if timeout is not None else config.get('timeout')\n", None),
    ("    t = timeout if timeout is None else 5\n", None),  # not a fallback for None
])
def test_a_none_default_the_body_fills_in(body, expected):
    for name in ("timeout", "name", "items"):
        if name in body:
            src = f"def f({name}=None):\n{body}"
            assert _evidence(src, "parameter", "f", name).type == expected


def test_a_call_on_self_takes_the_methods_return_and_never_a_propertys():
    src = ("class A:\n    @property\n    def name(self):\n        return 'a'\n\n"
           "    def size(self):\n        return 3\n\n"
           "    def m(self):\n        return self.size()\n\n    def p(self):\n        return self.name()\n")
    assert _evidence(src, "return", "A.m", "return").type == "int"
    assert _evidence(src, "return", "A.p", "return").type is None  # calls what the property returns


@pytest.mark.parametrize("src, expected", [
    ("import base64\ndef f(data):\n    return base64.b64encode(data)\n", "bytes"),
    ("from json import loads\ndef f(text):\n    return loads(text)\n", "Any"),
    ("import shlex\ndef f(line):\n    return shlex.split(line)\n", "list[str]"),
    ("import os.path\ndef f(p):\n    return os.path.splitext(p)\n", None),  # typeshed's AnyStr: not writable
    ("import random\ndef f(xs):\n    return random.choice(xs)\n", None),  # a TypeVar
])
def test_what_typeshed_says_a_standard_library_function_returns(src, expected):
    assert _evidence(src, "return", "f", "return").type == expected


@pytest.mark.parametrize("src, expected", [
    ("import ssl\ndef f():\n    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)\n", "ssl.SSLContext"),
    ("import ssl\ndef f():\n    return ssl.create_default_context()\n", "ssl.SSLContext"),  # its stub says
    ("import ssl as tls\ndef f():\n    return tls.create_default_context()\n", "tls.SSLContext"),
    ("import logging\ndef f():\n    return logging.getLogger()\n", "Logger"),  # a name the file can import
    ("import asyncio\ndef f():\n    return asyncio.Queue()\n", None),  # generic: `Queue[T]`
    ("import socket\ndef f():\n    return socket.socket()\n", "socket.socket"),  # a class in lower case too
    # another library's code is not read: a name in CapWords is its class, as when imported by name
    ("import httpx as hx\ndef f():\n    return hx.Response(200)\n", "hx.Response"),
    ("import numpy as np\ndef f():\n    return np.array([1])\n", None),
    ("import httpx\ndef f():\n    return httpx.URL('x')\n", None),  # a constant's case: not surely a class
])
def test_a_class_of_a_module_imported_whole_is_written_through_it(src, expected):
    assert _evidence(src, "return", "f", "return").type == expected


def test_a_workspace_module_named_like_the_standard_library_is_not_read_from_typeshed():
    index = WorkspaceIndex(None)
    index.update("json", ast.parse("def loads(text):\n    return parse(text)\n"))
    src = "import json\ndef f(text):\n    return json.loads(text)\n"
    assert _evidence(src, "return", "f", "return", index, "user").type is None


def test_a_setters_value_is_what_its_property_gives_as_saved():
    src = ("class Box:\n    def __init__(self):\n        self._size = 0\n\n    @property\n    def size(self):\n"
           "        return self._size\n\n    @size.setter\n    def size(self, value):\n        self._size = value\n")
    index = WorkspaceIndex(None)
    index.update("pkg.box", ast.parse(src))
    ev = _evidence(src, "parameter", "Box.size@2", "value", index, "pkg.box")
    assert (ev.type, ev.rule, ev.words) == ("int", "setter", "the property `size` gives int")


@pytest.mark.parametrize("first, store, expected", [
    ("0.5", "float(value)", "float"),  # a builtin's conversion keeps the property's type
    ("Tags(())", "Tags(value)", None),  # made into what the property gives: the setter takes what makes one
])
def test_a_setter_that_makes_its_value_into_what_the_property_gives_is_not_read_from_it(first, store, expected):
    src = (f"class Tags:\n    pass\n\n\nclass Box:\n    def __init__(self):\n        self._size = {first}\n\n"
           "    @property\n    def size(self):\n        return self._size\n\n"
           f"    @size.setter\n    def size(self, value):\n        self._size = {store}\n")
    index = WorkspaceIndex(None)
    index.update("pkg.box", ast.parse(src))
    ev = _evidence(src, "parameter", "Box.size@2", "value", index, "pkg.box")
    assert (ev.type if ev.rule == "setter" else None) == expected


@pytest.mark.parametrize("expr, expected", [
    ("tuple(part.strip() for part in text.split(','))", "tuple[str, ...]"),
    ("list(str(n) for n in items)", "list[str]"),
    ("sorted({'a', 'b'})", "list[str]"),
    ("[i * 2 for i in range(3)]", "list[int]"),
    ("b','.join(chunks)", "bytes"),
    ("max(len(text), 1)", "int"),
    ("min(items)", None),  # what items holds is unknown
    ("list(items)", None),
])
def test_what_builtins_build_from_an_iterable(expr, expected):
    src = f"def f(text: str, items, chunks):\n    return {expr}\n"
    assert _evidence(src, "return", "f", "return").type == expected


@pytest.mark.parametrize("expr, expected", [
    ("iter(self._rules)", "Iterator[Rule]"),
    ("reversed(self._rules)", "Iterator[Rule]"),
    ("next(iter(self._rules))", "Rule"),
    ("next(iter(self._rules), None)", "Rule | None"),
    ("self._rules.copy()", "list[Rule]"),
    ("self._rules.pop()", "Rule"),
    ("self._rules.index(rule)", "int"),
    ("self._by_name.get(name)", "Rule | None"),
    ("self._by_name.get(name, self._rules[0])", "Rule"),
    ("self._by_name.get(name, 0)", None),  # a default of another type: a union the code does not spell
    ("self._by_name.pop(name)", "Rule"),
    ("self._names.union(other)", "set[str]"),
    ("self._by_name.keys()", None),  # views are written many ways
    ("self.rule_class()", "Rule"),  # a class the class body names: what calling it makes
    ("self.rule_class", None),
])
def test_what_methods_of_builtin_containers_and_class_factories_give(expr, expected):
    src = ("class Rule:\n    pass\n\nclass Map:\n    rule_class = Rule\n\n    def __init__(self):\n"
           "        self._rules = [Rule()]\n        self._by_name = {'a': Rule()}\n        self._names = {'a'}\n\n"
           f"    def f(self, rule, name, other):\n        return {expr}\n")
    assert _evidence(src, "return", "Map.f", "return").type == expected


@pytest.mark.parametrize("body, expected", [
    ("for key, value in counts.items():\n        return key", "str"),
    ("for key, value in counts.items():\n        return value", "int"),
    ("for value in counts.values():\n        return value", "int"),
    ("for i, name in enumerate(names):\n        return i", "int"),
    ("for i, name in enumerate(names):\n        return name", "str"),
    ("for name, n in zip(names, counts.values()):\n        return n", "int"),
    ("for a, b, c in counts.items():\n        return a", None),  # three names for a pair: nothing is sure
    ("return [v for v in counts.values()]", "list[int]"),
    ("return list(counts.items())", "list[tuple[str, int]]"),
    ("return dict(zip(names, names))", "dict[str, str]"),
    ("return dict(counts)", "dict[str, int]"),
    ("return sum(counts.values())", "int"),
    ("return round(1.5, 1)", "float"),
    ("return type(self).__name__", "str"),
    ("return os.getenv('HOME', '')", "str"),  # a default of the lookup's type: never None
    ("return os.getenv('HOME')", "str | None"),
])
def test_loops_over_mappings_enumerate_and_zip_and_builtins_of_known_containers(body, expected):
    src = ("import os\n\nclass C:\n    def f(self):\n        names = ['a']\n        counts = {'a': 1}\n"
           f"        {body.replace(chr(10), chr(10) + '    ')}\n")
    assert _evidence(src, "return", "C.f", "return").type == expected


@pytest.mark.parametrize("body, expected", [
    ("host, port = ('a', 1)\n    return port", "int"),
    ("name, value = 'k=v'.split('=')\n    return value", "str"),  # each item of a list[str] is a str
    ("first, *rest = 'x y'.split()\n    return rest", "list[str]"),
    ("first, *rest = ('a', 1)\n    return first", None),  # a starred target of a tuple of parts: not followed
    ("(a, b), c = (('x', 1), 2.0)\n    return b", "int"),
    ("a, b = 'x', 'y'\n    a = 1\n    return a", None),  # assigned two types: unknown
    ("a, b = unknown()\n    return a", None),
])
def test_unpacking_binds_each_name(body, expected):
    assert _evidence(f"def f(unknown):\n    {body}\n", "return", "f", "return").type == expected


@pytest.mark.parametrize("expr, expected", [
    ("Color.RED", "Color"),  # a member of an enum class is one of it
    ("Mode.FAST", "Mode"),  # of an enum class of another module of the workspace
    ("Color.describe", None),  # a method is no member
    ("Plain.RED", None),  # nor is a class attribute of a class that is no enum
    ("sys.stderr", "TextIO"),  # typeshed's `TextIO | MaybeNone`, as code writes it
    ("sys.platform", "str"),  # a `LiteralString`
    ("logging.DEBUG", "int"),  # `DEBUG: Final = 10`
    ("sys.no_such_name", None),
])
def test_enum_members_and_standard_library_module_variables(expr, expected):
    index = index_of({"pkg.modes": "from enum import IntEnum\n\nclass Mode(IntEnum):\n    FAST = 1\n"})
    src = ("import logging\nimport sys\nfrom enum import Enum\n\nfrom pkg.modes import Mode\n\n"
           "class Color(Enum):\n    RED = 1\n\n    def describe(self):\n        return 'red'\n\n"
           f"class Plain:\n    RED = 1\n\ndef f():\n    return {expr}\n")
    assert _evidence(src, "return", "f", "return", index, "pkg.use").type == expected


@pytest.mark.parametrize("expr, expected", [
    ("base / 'static'", "Path"),  # PurePath's `__truediv__`, through the base class
    ("Path.home() / 'a' / 'b'", "Path"),
    ("started - delta", "datetime"),  # of datetime's two `__sub__` overloads, the one taking a timedelta
    ("datetime.now() - started", "timedelta"),
    ("delta * 2", "timedelta"),
    ("base + 1", None),  # no such operator in the stub
    ("unknown / 'x'", None),
])
def test_operators_of_standard_library_classes_are_read_from_their_stubs(expr, expected):
    src = ("from datetime import datetime, timedelta\nfrom pathlib import Path\n\n"
           "def f(unknown):\n    base = Path('.')\n    started = datetime.now()\n    delta = timedelta(days=1)\n"
           f"    return {expr}\n")
    assert _evidence(src, "return", "f", "return").type == expected


def test_a_field_set_from_a_constructor_parameter_is_what_its_callers_pass(tmp_path):
    src = ("class Named:\n    def __init__(self, name):\n        self._name = name\n\n"
           "    def name(self):\n        return self._name\n\n\ndef make():\n    return Named('x')\n")
    (tmp_path / "named.py").write_text(src)
    index = WorkspaceIndex(tmp_path)
    index.build()
    index.build_callsites()
    assert _evidence(src, "return", "Named.name", "return", index, "named").type == "str"  # Named('x')


def test_what_a_generic_workspace_class_makes_is_not_its_bare_name():
    src = ("from typing import Generic, TypeVar\nT = TypeVar('T')\n\n\nclass Box(Generic[T]):\n    pass\n\n\n"
           "class Plain:\n    pass\n\n\ndef boxed():\n    return Box()\n\n\ndef plain():\n    return Plain()\n")
    assert _evidence(src, "return", "boxed", "return").type is None  # a `Box[...]` of what, none can say
    assert _evidence(src, "return", "plain", "return").type == "Plain"


@pytest.mark.parametrize("guard, expected", [
    ("    if m is None:\n        raise ValueError(text)\n", "Match[str]"),
    ("    assert m is not None\n", "Match[str]"),
    ("    if not m:\n        return _WORD\n", "Pattern[str] | Match[str]"),
    ("    print(m)\n", "Match[str] | None"),  # untested
])
def test_a_returned_name_tested_before_is_returned_without_none(guard, expected):
    src = f"import re\n_WORD = re.compile('[a-z]+')\n\ndef f(text):\n    m = _WORD.match(text)\n{guard}    return m\n"
    assert _evidence(src, "return", "f", "return").type == expected


@pytest.mark.parametrize("expr, expected", [
    ("_WORD.sub('', text)", "str"),  # the overload for a `Pattern[str]`
    ("_WORD.match(text)", "Match[str] | None"),
    ("_WORD.pattern", None),  # an attribute: (AnyStr) not read here
])
def test_a_method_of_a_generic_standard_library_object_is_read_for_its_arguments(expr, expected):
    src = f"import re\n_WORD = re.compile('[a-z]+')\n\ndef f(text):\n    return {expr}\n"
    assert _evidence(src, "return", "f", "return").type == expected


@pytest.mark.parametrize("const, expected", [
    ("DEFAULT_TIMEOUT = 5.0", "float"),
    ("DEFAULT_TIMEOUT = (1, 2)", "tuple[int, int]"),
    ("class NoChange:\n    pass\nDEFAULT_TIMEOUT = NoChange()", None),  # a sentinel stands in for other types
    ("DEFAULT_TIMEOUT = None", None),
    ("import re\nDEFAULT_TIMEOUT = re.compile('[0-9]+')", "Pattern[str]"),  # made by a module's function
    ("import uuid\nDEFAULT_TIMEOUT = uuid.UUID(int=0)", "UUID"),  # a standard-library class's: no sentinel
])
def test_a_module_constant_of_a_builtin_type_is_known_where_it_is_used(const, expected):
    src = f"{const}\n\ndef connect(timeout=DEFAULT_TIMEOUT):\n    return DEFAULT_TIMEOUT\n"
    assert _evidence(src, "parameter", "connect", "timeout").type == expected
    assert _evidence(src, "return", "connect", "return").type == expected


def test_a_constant_imported_from_a_workspace_module_is_known_as_saved():
    index = WorkspaceIndex(None)
    index.update("pkg.consts", ast.parse("CHUNK = 1024\nSENTINEL = object()\n"))
    src = "from .consts import CHUNK, SENTINEL\n\ndef read(amt=CHUNK, how=SENTINEL):\n    pass\n"
    assert _evidence(src, "parameter", "read", "amt", index, "pkg.io").type == "int"
    assert _evidence(src, "parameter", "read", "how", index, "pkg.io").type is None


def test_an_attribute_set_outside_init_is_known_as_saved():
    src = ("class Conn:\n    def open(self):\n        self.sock_timeout = 3.0\n        self.a = self.b\n"
           "        self.b = self.a\n\n    def timeout(self):\n        return self.sock_timeout\n\n"
           "    def loop(self):\n        return self.a\n")
    index = WorkspaceIndex(None)
    index.update("pkg.conn", ast.parse(src))
    assert _evidence(src, "return", "Conn.timeout", "return", index, "pkg.conn").type == "float"
    assert _evidence(src, "return", "Conn.loop", "return", index, "pkg.conn").type is None  # a cycle: unknown
    assert _evidence(src, "return", "Conn.timeout", "return").type is None  # not saved anywhere: not read


def test_a_generator_is_an_iterator_of_what_it_yields():
    src = ("def words(n):\n    for i in range(n):\n        yield str(i)\n"
           "async def chunks():\n    yield b'a'\n    yield b'b'\n"
           "def held():\n    yield\n"
           "def passed_on(xs):\n    yield from xs\n"
           "def unknown(xs):\n    yield xs\n")
    got = {name: evidence_at(src, "return", "return", name)
           for name in ("words", "chunks", "held", "passed_on", "unknown")}
    assert (got["words"].type, got["words"].rule, got["words"].words) == ("Iterator[str]", "yields", "yields str")
    assert got["chunks"].type == "AsyncIterator[bytes]"
    assert (got["held"].type, got["held"].rule) == ("Generator[None, None, None]", "yields_none")  # a context manager
    assert canonical(got["held"].type) == canonical("Generator[None]")  # the defaults, written out or not
    assert (got["passed_on"].type, got["passed_on"].rule) == (None, "generator")  # `yield from`: not followed
    assert (got["unknown"].type, got["unknown"].rule) == (None, "generator")


@pytest.mark.parametrize("imports, sync, asynchronous", [
    ("", "Iterator[str]", "AsyncIterator[bytes]"),
    ("from typing import Generator, Iterator\n", "Generator[str, None, None]", "AsyncIterator[bytes]"),
    ("from collections.abc import Iterable, Iterator\n", "Iterator[str]", "AsyncIterator[bytes]"),
    ("from collections.abc import Iterable, AsyncGenerator\n", "Iterable[str]", "AsyncGenerator[bytes, None]"),
    ("from typing import AsyncIterable\n", "Iterator[str]", "AsyncIterable[bytes]"),
])
def test_a_generator_is_written_as_the_file_writes_generators(imports, sync, asynchronous):
    src = imports + "def words(n):\n    yield str(n)\nasync def chunks():\n    yield b'a'\n"
    assert evidence_at(src, "return", "return", "words").type == sync
    assert evidence_at(src, "return", "return", "chunks").type == asynchronous


@pytest.mark.parametrize("imports, sync, asynchronous", [
    ("", "Generator[None, None, None]", "AsyncGenerator[None, None]"),  # most context managers' bodies say so
    ("from typing import Generator, Iterator\n", "Generator[None, None, None]", "AsyncGenerator[None, None]"),
    ("from collections.abc import Iterator\n", "Iterator[None]", "AsyncGenerator[None, None]"),
    ("from collections.abc import AsyncIterator, Iterator\n", "Iterator[None]", "AsyncIterator[None]"),
])
def test_a_generator_that_yields_nothing_is_a_generator_unless_the_file_writes_iterators(imports, sync, asynchronous):
    src = imports + "def held():\n    yield\nasync def aheld():\n    yield\n"
    assert evidence_at(src, "return", "return", "held").type == sync
    assert evidence_at(src, "return", "return", "aheld").type == asynchronous


def test_a_def_ending_in_a_call_to_a_raising_function_learns_with_raise():
    from pulsedev.models.types.features import slot_features
    src = ("def _immutable(self):\n    raise TypeError('immutable')\n"
           "class Frozen:\n    def append(self, item):\n        _immutable(self)\n"
           "    def log(self, item):\n        print(item)\n"
           "    def __setitem__(self, key, value):\n        _immutable(self)\n"
           "    def __delitem__(self, key):\n        print(key)\n")
    ev = evidence_at(src, "return", "return", "Frozen.append")
    assert (ev.type, ev.rule) == ("NoReturn", "raises_call")
    assert evidence_at(src, "return", "return", "Frozen.log").rule == "noreturn"
    assert evidence_at(src, "return", "return", "Frozen.__setitem__").rule == "raises_call"  # not the dunder's None
    assert (evidence_at(src, "return", "return", "Frozen.__delitem__").rule) == "dunder"
    branches = src + ("    def pop(self, key):\n        if key:\n            raise KeyError(key)\n"
                      "        else:\n            _immutable(self)\n"
                      "    def get(self, key):\n        if key:\n            _immutable(self)\n")
    assert evidence_at(branches, "return", "return", "Frozen.pop").rule == "raises_call"
    assert evidence_at(branches, "return", "return", "Frozen.get").rule == "noreturn"  # one way goes on
    circle = "def a():\n    b()\ndef b():\n    a()\n"
    assert evidence_at(circle, "return", "return", "a").rule == "noreturn"
    slot = _slots(src)[("return", "Frozen.append", "return")]
    feats = slot_features(slot, ev)
    assert "r:rule=raises_call" in feats and "r:rule=raises" in feats


def test_a_method_ending_in_a_method_of_its_class_that_always_raises_never_returns():
    src = ("class Parser:\n    def fail(self, msg):\n        raise SyntaxError(msg)\n"
           "    def fail_eof(self, end):\n        if end:\n            self.fail('expected ' + end)\n"
           "        else:\n            self.fail('unexpected end')\n"
           "    def fail_tag(self, name):\n        self.fail_eof(name)\n"
           "    def release(self):\n        raise NotImplementedError\n"
           "    def __exit__(self, *exc):\n        self.release()\n")
    assert evidence_at(src, "return", "return", "Parser.fail_eof").type == "NoReturn"  # both branches end in fail
    assert evidence_at(src, "return", "return", "Parser.fail_tag").rule == "raises_call"  # two methods deep
    # a method that raises NotImplementedError is there to be overridden: a call to it may return
    assert evidence_at(src, "return", "return", "Parser.__exit__").type != "NoReturn"


def test_a_def_that_always_raises_is_a_noreturn_candidate_and_a_branch_that_raises_adds_nothing():
    src = ("def fail(msg):\n    log(msg)\n    raise ValueError(msg)\n"
           "def stop():\n    raise NotImplementedError\n"
           "def pick(n):\n    if n:\n        return 'x'\n    return fail('no')\n")
    ev = evidence_at(src, "return", "return", "fail")
    assert (ev.type, ev.rule) == ("NoReturn", "raises")
    assert evidence_at(src, "return", "return", "stop").type is None  # a stub's body says nothing
    assert evidence_at(src, "return", "return", "pick").type == "str"
    flows = ("def reraise(value, tb=None):\n    try:\n        if tb is not None:\n"
             "            raise value.with_traceback(tb)\n        raise value\n    finally:\n        tb = None\n"
             "def check(ok):\n    if ok:\n        log(ok)\n    else:\n        raise ValueError(ok)\n"
             "def guarded(f):\n    try:\n        f()\n        raise ValueError\n    except KeyError:\n        pass\n"
             "def test_it():\n    with pytest.raises(ValueError):\n        raise ValueError\n")
    assert evidence_at(flows, "return", "return", "reraise").type == "NoReturn"
    assert evidence_at(flows, "return", "return", "check").type == "None"  # one branch goes on
    assert evidence_at(flows, "return", "return", "guarded").type == "None"  # a handler goes on
    assert evidence_at(flows, "return", "return", "test_it").type == "None"  # a context manager may swallow it


def test_a_hook_that_does_nothing_returns_none_unless_abstract_or_a_protocol_member():
    src = ("import abc\nfrom abc import ABC, abstractmethod\nfrom typing import Protocol\n"
           "class Plugin:\n    def on_start(self, app):\n        \"\"\"Called first.\"\"\"\n        pass\n"
           "    def size(self):\n        ...\n"
           "    @abstractmethod\n    def name(self):\n        pass\n"
           "    @abc.abstractmethod\n    def kind(self):\n        pass\n"
           "    @hook(abstract_ok=True)\n    def on_stop(self):\n        pass\n"
           "class Base(ABC):\n    def run(self):\n        pass\n"
           "class Reader(Protocol):\n    def read(self):\n        pass\n")
    ev = evidence_at(src, "return", "return", "Plugin.on_start")
    assert (ev.type, ev.rule, ev.words) == ("None", "noreturn_pass", "does nothing")
    assert evidence_at(src, "return", "return", "Plugin.on_stop").type == "None"  # not an abstract method
    for name in ("Plugin.size", "Plugin.name", "Plugin.kind", "Base.run", "Reader.read"):
        assert evidence_at(src, "return", "return", name).type is None, name


def test_an_attribute_known_only_as_none_says_nothing_of_what_a_def_returns():
    src = ("def shut():\n    print('x')\n\n\n"
           "class Conn:\n    def __init__(self):\n        self._sock = None\n\n"
           "    def sock(self):\n        return self._sock\n\n"
           "    def close(self):\n        return shut()\n")
    tree = ast.parse(src)
    ev = {s.qualname: evidence_for(s, FileContext(tree)) for s in find_slots(tree, src) if s.kind == "return"}
    assert ev["Conn.sock"].type is None  # set elsewhere, to what is not known
    assert ev["Conn.close"].type == "None"  # a call that returns None is another matter
